import NeuralNet
import TensorCore

/// The reconstruction term, per image (summed over pixels), averaged over the batch. The decoder
/// outputs logits; images are the sigmoid of them.
public enum ReconstructionLoss: String, Sendable, Codable, CaseIterable {
    /// Bernoulli −log p(x | z): binary cross-entropy on the logits.
    case bce
    /// Squared error ‖x − x̂‖² (a Gaussian decoder up to constants; WAE's cost c).
    case mse
    /// Absolute error ‖x − x̂‖₁.
    case l1

    public func callAsFunction(logits: Variable, targets: Tensor) -> Variable {
        switch self {
        case .bce:
            return binaryCrossEntropy(logits: logits, targets: targets, reduction: .sumOverFeatures)
        case .mse:
            return meanSquaredError(logits.sigmoid(), logits.tape.constant(targets), reduction: .sumOverFeatures)
        case .l1:
            return meanAbsoluteError(logits.sigmoid(), logits.tape.constant(targets), reduction: .sumOverFeatures)
        }
    }
}
