import NeuralNet
import TensorCore

/// The plain autoencoder: reconstruction only. It generates from a full-covariance Gaussian
/// fitted to the codes of the training images.
public enum AE: ModelFamily {
    public static let name = "ae"
    public static let summary = "autoencoder; samples from a Gaussian fitted to its training codes"
    public static let latentSource = LatentSource.fittedGaussian

    public static func phases(of model: Autoencoder) -> [Phase] {
        [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            let z = model.encode(batch, tape, &context).z
            let loss = model.reconstructionLoss(z, batch, &context)
            return LossTerms(total: loss, terms: [("reconstruction", loss.value.scalar)])
        }]
    }
}
