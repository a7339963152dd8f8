import NeuralNet
import TensorCore

/// A minibatch as models see it: images [batch, pixels] in [0, 1] and their labels.
public struct Batch {
    public let images: Tensor
    public let labels: [Int]
    public init(images: Tensor, labels: [Int]) {
        precondition(images.rows == labels.count, "Batch: \(images.rows) images and \(labels.count) labels")
        self.images = images
        self.labels = labels
    }
}

/// The value a phase minimises, and every term of it by name (for the per-epoch metrics).
public struct LossTerms {
    public var total: Variable
    public var terms: [(name: String, value: Float)]
    public init(total: Variable, terms: [(name: String, value: Float)]) {
        self.total = total
        self.terms = terms
    }
}

/// One step of a model's update on a batch: a loss, the parameters it trains, and which
/// learning rate its optimizer uses.
public struct Phase {
    /// Which learning rate of the training settings applies.
    public enum Group: String, Sendable {
        case reconstruction, regularization
    }

    public let name: String
    public let group: Group
    public let parameters: [Parameter]
    public let loss: (Batch, Tape, inout ForwardContext) -> LossTerms

    public init(_ name: String, group: Group, parameters: [Parameter],
                loss: @escaping (Batch, Tape, inout ForwardContext) -> LossTerms) {
        self.name = name
        self.group = group
        self.parameters = parameters
        self.loss = loss
    }
}
