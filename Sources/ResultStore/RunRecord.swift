import TensorCore

/// Everything a run file holds (format `aelab-run/2`, or `aelab-run/1` when read from such a
/// file; layout in ../shared/DESIGN.md and docs/run-file.md). A value: build it, then `RunFile.write(_:to:)` it; `RunFile.read(_:)`
/// gives it back.
public struct RunRecord: Sendable, Equatable {
    public var attributes: RunAttributes
    /// /metrics/train/NAME and /metrics/validation/NAME: float64 [epochs].
    public var trainMetrics: [String: [Double]]
    /// How many epochs the metrics cover.
    public var trainedEpochs: Int { trainMetrics.values.map(\.count).max() ?? 0 }
    public var validationMetrics: [String: [Double]]
    /// /eval/parzen (absent until evaluated).
    public var parzen: ParzenRecord?
    /// /eval/NAME for further scalar results (e.g. "importance_sampled_ll"): attributes only.
    public var evaluations: [String: [String: Double]]
    /// /weights/NETWORK/…
    public var networks: [NetworkRecord]
    /// /samples/generated: float32 [k, pixels] (a few, for figures); nil if none.
    public var generatedSamples: Tensor?
    /// /checkpoint/…: what resuming needs.
    public var checkpoint: CheckpointRecord?
    /// /figures/NAME: float32 tensors the report draws (see `FigureData` for the names).
    public var figures: [String: Tensor] = [:]

    public init(attributes: RunAttributes, trainMetrics: [String: [Double]] = [:],
                validationMetrics: [String: [Double]] = [:], parzen: ParzenRecord? = nil,
                evaluations: [String: [String: Double]] = [:], networks: [NetworkRecord] = [],
                generatedSamples: Tensor? = nil, checkpoint: CheckpointRecord? = nil) {
        self.attributes = attributes
        self.trainMetrics = trainMetrics
        self.validationMetrics = validationMetrics
        self.parzen = parzen
        self.evaluations = evaluations
        self.networks = networks
        self.generatedSamples = generatedSamples
        self.checkpoint = checkpoint
    }
}

/// The root attributes.
public struct RunAttributes: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Training (and evaluation) finished.
        case complete
        /// Stopped with `failure` as the reason (e.g. a diverging loss); the sweep went on.
        case failed
        /// A checkpoint of a run still in progress.
        case running
    }

    public var experiment: String
    public var runID: String
    public var model: String
    public var latentDim: Int
    public var dropout: Double
    public var seed: Int
    public var dataset: String
    public var status: Status
    public var failure: String
    /// The resolved run configuration, as JSON.
    public var spec: String
    /// ISO 8601 times.
    public var started: String
    public var finished: String
    public var aelabVersion: String
    /// The OpenBLAS kernel families that trained the run (and evaluated it, in the same process),
    /// comma-joined in order of first use (e.g. "Cooperlake"; "unrecorded" first where it
    /// continued epochs of a build that did not record them): products, and so the run's bits,
    /// differ between families as between thread counts. "" in files written before then.
    public var blasCores: String
    /// The file format's version: 2 (`RunFile.formatVersion`) for new records, the file's for a
    /// record read from one. A record is written in its version, so an `aelab-run/1` file read
    /// and written back (`RunFile.updateEvaluation`) stays `aelab-run/1`; its networks must then
    /// be MLP descriptions (`NetworkRecord.mlp`), and those of version 2 layer lists.
    public var formatVersion: Int
    /// The root attribute `format`: "aelab-run/2" or "aelab-run/1".
    public var format: String { RunFile.format(version: formatVersion) }

    public init(experiment: String, runID: String, model: String, latentDim: Int, dropout: Double, seed: Int,
                dataset: String, status: Status, failure: String = "", spec: String, started: String,
                finished: String = "", aelabVersion: String, blasCores: String = "",
                formatVersion: Int = RunFile.formatVersion) {
        self.experiment = experiment
        self.runID = runID
        self.model = model
        self.latentDim = latentDim
        self.dropout = dropout
        self.seed = seed
        self.dataset = dataset
        self.status = status
        self.failure = failure
        self.spec = spec
        self.started = started
        self.finished = finished
        self.aelabVersion = aelabVersion
        self.blasCores = blasCores
        self.formatVersion = formatVersion
    }
}

extension RunAttributes {
    /// `earlier` (a `blasCores` list) with `core` added once, after "unrecorded" where epochs
    /// were trained (`trainedEpochs` > 0) by a build that did not record their families.
    public static func blasCores(_ earlier: String, trainedEpochs: Int, adding core: String) -> String {
        appending(core, to: earlier, trainedEpochs: trainedEpochs)
    }

    /// `earlier` (an `aelabVersion` list: the builds that trained or evaluated the run, in order) with `build`
    /// added once, after "unrecorded" where epochs came from a file without the attribute.
    public static func builds(_ earlier: String, trainedEpochs: Int, adding build: String) -> String {
        appending(build, to: earlier, trainedEpochs: trainedEpochs)
    }

    private static func appending(_ core: String, to earlier: String, trainedEpochs: Int) -> String {
        var cores = NameList.split(earlier)
        if cores.isEmpty && trainedEpochs > 0 { cores = ["unrecorded"] }
        if !cores.contains(core) { cores.append(core) }
        return NameList.join(cores)
    }
}

/// /eval/parzen.
public struct ParzenRecord: Sendable, Equatable {
    public var logLikelihood: Double
    public var standardError: Double
    public var sigma: Double
    public var generatedSamples: Int
    public var testPoints: Int
    /// float64 datasets: the σ grid, the mean validation log-likelihood at each σ, and the
    /// per-point test log-likelihoods at the chosen σ.
    public var sigmaGrid: [Double]
    public var sigmaValidationLL: [Double]
    public var testLL: [Double]

    public init(logLikelihood: Double, standardError: Double, sigma: Double, generatedSamples: Int, testPoints: Int,
                sigmaGrid: [Double], sigmaValidationLL: [Double], testLL: [Double]) {
        self.logLikelihood = logLikelihood
        self.standardError = standardError
        self.sigma = sigma
        self.generatedSamples = generatedSamples
        self.testPoints = testPoints
        self.sigmaGrid = sigmaGrid
        self.sigmaValidationLL = sigmaValidationLL
        self.testLL = testLL
    }
}

/// /weights/NETWORK: one network, as its list of layers and its tensors, with what a PyTorch
/// user needs to rebuild it (attributes on the group).
///
/// Format `aelab-run/2` describes any network by `layers`; files of format `aelab-run/1` held
/// only MLPs, described by `mlp` (and `layers` is nil).
public struct NetworkRecord: Sendable, Equatable {
    public var name: String
    /// The layers in order, as a JSON array of objects, each with `kind` and its settings and
    /// sizes (docs/run-file.md); nil in `aelab-run/1` files.
    public var layers: String?
    /// The shape of one example of the data input (`[784]`, `[1, 28, 28]`) and of the output.
    public var inputShape: [Int]
    public var outputShape: [Int]
    /// Extra inputs concatenated to the flat features before layer `extraInputsAt`, in order,
    /// e.g. ["one_hot:10", "noise:8"]; stored comma-joined, so an item may not be empty or hold a comma.
    public var extraInputs: [String]
    /// The layer the extra inputs join at (the first dense layer); -1 when there are none.
    public var extraInputsAt: Int
    /// How the output is read: "identity", "sigmoid" (logits of pixel means), "gaussian_mean_logvar".
    public var output: String
    /// /weights/NETWORK/LAYER/NAME: in `aelab-run/2` LAYER is the layer's index, as in a
    /// `torch.nn.Sequential`'s state dict (`0/weight` ↔ `0.weight`); float32, torch's layouts.
    public var tensors: [NamedTensor]
    /// Non-trainable state, e.g. batch-norm running statistics ("1", "running_mean").
    public var buffers: [NamedTensor]
    /// `aelab-run/1` only: the MLP's sizes and activations.
    public var mlp: MLPDescription?

    public init(name: String, layers: String?, inputShape: [Int], outputShape: [Int], extraInputs: [String] = [],
                extraInputsAt: Int = -1, output: String, tensors: [NamedTensor], buffers: [NamedTensor] = [],
                mlp: MLPDescription? = nil) {
        self.name = name
        self.layers = layers
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.extraInputs = extraInputs
        self.extraInputsAt = extraInputsAt
        self.output = output
        self.tensors = tensors
        self.buffers = buffers
        self.mlp = mlp
    }
}

/// How `aelab-run/1` described a network: an MLP (tensors `layerI/weight`, `layerI/bias`,
/// batch norms `normI/…` after hidden layer I).
public struct MLPDescription: Sendable, Equatable {
    /// Layer sizes, input first (e.g. [784, 1200, 1200, 8]); the input width includes the extra inputs.
    public var layerSizes: [Int]
    /// Hidden activation ("relu", …) and output activation ("identity", "sigmoid", "gaussian_mean_logvar").
    public var activation: String
    public var outputActivation: String
    public var dropout: Double
    public init(layerSizes: [Int], activation: String, outputActivation: String, dropout: Double) {
        self.layerSizes = layerSizes
        self.activation = activation
        self.outputActivation = outputActivation
        self.dropout = dropout
    }
}

/// A tensor stored at GROUP/NAME under its parent.
public struct NamedTensor: Sendable, Equatable {
    public var group: String
    public var name: String
    public var value: Tensor
    public init(group: String, name: String, value: Tensor) {
        self.group = group
        self.name = name
        self.value = value
    }
}

/// /checkpoint: the state that lets an interrupted run continue exactly.
public struct CheckpointRecord: Sendable, Equatable {
    /// Completed epochs.
    public var epoch: Int
    /// One per phase, in phase order: /checkpoint/optimizers/PHASE (attribute step; datasets
    /// m_0, m_1, …, v_0, … per parameter, float32).
    public var optimizers: [OptimizerRecord]
    /// /checkpoint/random/NAME: uint64 [4] (xoshiro state), e.g. "shuffle", "dropout", "noise".
    public var randomStreams: [String: [UInt64]]
    /// Further tensors of the model's state (e.g. the AE's fitted code Gaussian, label frequencies).
    public var extra: [NamedTensor]

    public init(epoch: Int, optimizers: [OptimizerRecord], randomStreams: [String: [UInt64]], extra: [NamedTensor] = []) {
        self.epoch = epoch
        self.optimizers = optimizers
        self.randomStreams = randomStreams
        self.extra = extra
    }
}

public struct OptimizerRecord: Sendable, Equatable {
    public var phase: String
    public var step: Int
    /// Slot name ("m", "v") -> one tensor per parameter, in parameter order.
    public var slots: [String: [Tensor]]
    public init(phase: String, step: Int, slots: [String: [Tensor]]) {
        self.phase = phase
        self.step = step
        self.slots = slots
    }
}

/// The names of the tensors under /figures, written by the runner after training.
public enum FigureData {
    /// [k, pixels]: test images, and their reconstructions (same order).
    public static let originals = "originals"
    public static let reconstructions = "reconstructions"
    /// [g·g, pixels]: decoded codes on a g × g grid over ±2 prior scales, row-major with the
    /// first latent coordinate varying along a row (2-D latents only); `manifold_axis` [g] holds
    /// the grid's coordinates.
    public static let manifold = "manifold"
    public static let manifoldAxis = "manifold_axis"
    /// [n, latent]: codes of test images, `code_labels` [n] their classes (as floats), and
    /// `prior_samples` [m, latent] draws from the prior, for the latent scatter.
    public static let codes = "codes"
    public static let codeLabels = "code_labels"
    public static let priorSamples = "prior_samples"
}
