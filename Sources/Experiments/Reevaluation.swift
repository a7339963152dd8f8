import Datasets
import Evaluation
import Foundation
import Models
import ResultStore
import TensorCore

/// Re-evaluates a stored run: rebuilds its model from the file alone (the resolved configuration
/// and the weights), draws new samples and recomputes the Parzen estimate.
public enum Reevaluation {
    /// - Parameters:
    ///   - samples: generated samples (default: the run's setting).
    ///   - sigmaGrid: the σ grid (default: the run's).
    /// - Returns: the updated record (also written back to `file`, atomically), its `blas_cores`
    ///   naming this process's OpenBLAS kernel family too and its `aelab_version` this build.
    public static func run(file: String, samples: Int?, sigmaGrid: [Double]?, testPoints: Int?,
                           log: (String) -> Void) throws -> RunRecord {
        let record = try RunFile.read(file)
        guard record.attributes.status == .complete else {
            throw RunStateError(file: file, message: "the run is \(record.attributes.status.rawValue), not complete: nothing to evaluate")
        }
        let spec: Spec
        do { spec = try Spec.parse(record.attributes.spec, file: file + " (/@spec)") } catch { throw RunStateError(file: file, message: "\(error)") }
        guard var run = spec.runs().first else { throw RunStateError(file: file, message: "/@spec holds no run") }
        var unused = RandomStream(seed: 0, purpose: "init")   // the weights are loaded below
        let model = Autoencoder(family: run.family, config: run.modelConfig, using: &unused)
        try model.load(record.networks, from: file)
        model.loadGenerator(record.checkpoint?.extra ?? [])
        if let samples { run.evaluation.parzen.generatedSamples = samples }
        if let sigmaGrid { run.evaluation.parzen.sigmaGrid = sigmaGrid }
        if let testPoints { run.evaluation.parzen.testPoints = testPoints }
        let data = try Dataset.load(run.dataset, options: run.datasetOptions)
        if let testPoints, testPoints > data.test.count {
            throw RunStateError(file: file, message: "--test-points \(testPoints): the run's test set (\(run.dataset)) has \(data.test.count) images")
        }
        if model.family.latentSource == .fittedGaussian && model.fittedLatent == nil || model.family.isConditional {
            model.fitGenerator(images: data.train.images, labels: data.train.labels)
        }
        let (parzen, _) = try parzenEvaluation(model, data: data, run: run, log: log)
        return try RunFile.updateEvaluation(at: file, parzen: parzen, evaluations: record.evaluations,
                                            evaluatedWith: BLASKernel.current, evaluatedBy: aelabVersion)
    }
}

/// Generates the run's samples and evaluates the Parzen window on its validation and test images.
/// Returns the record and the samples.
func parzenEvaluation(_ model: Autoencoder, data: Dataset, run: RunConfig, log: (String) -> Void) throws -> (ParzenRecord, Tensor) {
    let settings = run.evaluation.parzen
    var generator = RandomStream(seed: run.training.seed, purpose: "generate")
    let start = DispatchTime.now().uptimeNanoseconds
    let samples = model.generate(settings.generatedSamples, using: &generator).images
    guard samples.isFinite else { throw EvaluationFailure(description: "generated samples are not finite") }
    let validation = data.validation.images.rows(0..<min(settings.validationPoints, data.validation.count))
    let test = data.test.images.rows(0..<min(settings.testPoints, data.test.count))
    guard validation.rows > 0 else { throw EvaluationFailure(description: "no validation images to choose σ on (dataset.validation_size is 0)") }
    let e = ParzenWindow(samples: samples).evaluate(validation: validation, test: test, sigmaGrid: settings.sigmaGrid)
    log(String(format: "%@: Parzen log-likelihood %.2f ± %.2f (σ = %.4f, %d samples, %d test images, %.1f s)",
               run.id, e.mean, e.standardError, e.sigma, samples.rows, test.rows,
               Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    return (ParzenRecord(e, generated: samples.rows), samples)
}
