import Datasets
import Models
import Training

/// One run of an experiment, fully resolved: what to build, train and evaluate, and the
/// configuration in force as JSON for the run file.
public struct RunConfig: Sendable, Equatable {
    /// The spec's name.
    public let experiment: String
    /// The run's position in `Spec.runs()`.
    public let index: Int
    /// `MODEL-zLATENT-dDROPOUT-sSEED`, then `-NAMEVALUE` for each other swept setting
    /// (e.g. `aae-z8-d0.25-s1-epochs20`); unique within the spec and safe as a file name.
    public let id: String
    /// A name in `ModelRegistry`.
    public let model: String
    public let dataset: String
    public let datasetOptions: DatasetOptions
    /// With the dataset's sizes, the model's options and the run's latent size and dropout.
    public let modelConfig: ModelConfig
    /// With the run's seed and the model's learning-rate overrides.
    public let training: TrainingSettings
    public internal(set) var evaluation: EvaluationSettings
    /// The settings the sweep gave this run, in axis order.
    public let sweepSettings: [SweepSetting]
    /// The run as a spec of its own (one model, no sweep, every default filled in), JSON with
    /// sorted keys: loading it as a spec gives this run's configuration again.
    public let resolvedJSON: String

    public var family: any ModelFamily.Type { ModelRegistry.family(named: model)! }
    public var latentDim: Int { modelConfig.latent }
    /// As written in the spec (not rounded through Float).
    public let dropout: Double
    public let seed: Int

    init(_ spec: Spec, model: String, experiment: String, index: Int, sweepSettings: [SweepSetting], idSuffix: String) {
        let options = spec.modelOptions[model]!
        let config = spec.modelConfig(for: model)
        var single = spec
        single.models = [model]
        single.training.settings.reconstructionLearningRate = options.reconstructionLearningRate.map(Float.init)
            ?? spec.training.settings.reconstructionLearningRate
        single.training.settings.regularizationLearningRate = options.regularizationLearningRate.map(Float.init)
            ?? spec.training.settings.regularizationLearningRate
        single.modelOptions = [model: options.withoutLearningRates]
        single.sweep = Sweep()
        single.points = []
        var training = single.training.settings
        training.seed = UInt64(spec.seed)

        self.experiment = experiment
        self.index = index
        self.id = Self.id(model: model, spec, suffix: idSuffix)
        self.model = model
        self.dataset = spec.dataset.name
        self.datasetOptions = spec.dataset.options
        self.modelConfig = config
        self.training = training
        self.evaluation = spec.evaluation
        self.sweepSettings = sweepSettings
        self.resolvedJSON = single.resolvedJSON
        self.dropout = spec.dropout
        self.seed = spec.seed
    }

    static func id(model: String, _ spec: Spec, suffix: String) -> String {
        fileNameSafe("\(model)-z\(spec.latentDim)-d\(idText(.number(spec.dropout), position: 0))-s\(spec.seed)") + suffix
    }

    /// A swept value as run ids show it: numbers in shortest form (`0.25`, `20`), lists of
    /// scalars joined by `x` (`512x512`), other lists and objects by their 1-based position (`v2`).
    static func idText(_ value: JSONValue, position: Int) -> String {
        switch value {
        case .number(let x): return fileNameSafe(x.exactInteger.map(String.init) ?? "\(x)")
        case .string(let s): return fileNameSafe(s)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items) where items.allSatisfy(\.isScalar):
            return items.map { idText($0, position: position) }.joined(separator: "x")
        case .array, .object: return "v\(position + 1)"
        }
    }

    /// Letters, digits, `.`, `_` and `-` kept; anything else becomes `_`.
    static func fileNameSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "._-".unicodeScalars.contains(s)) ? Character(s) : "_"
        })
    }
}

extension Spec {
    /// What building `model` needs: the dataset's image, the networks, the prior and the
    /// model's options, with this spec's latent size and dropout.
    func modelConfig(for model: String) -> ModelConfig {
        let options = modelOptions[model] ?? ModelOptions().resolved(for: model)
        let info = dataset.info
        var config = ModelConfig()
        config.imageShape = [1, info.imageRows, info.imageColumns]
        config.classes = info.classes
        config.latent = latentDim
        config.hidden = network.hidden
        config.discriminatorHidden = network.discriminatorHidden
        config.activation = network.activation
        config.dropout = Float(dropout)
        config.batchNorm = network.batchNorm
        config.initializer = network.initializer
        config.networks = network.layers.mapValues(\.overrides)
        config.prior = prior
        config.encoderHead = options.encoderHead
        config.noiseDimension = network.noiseDimension
        config.dropoutIn = Set(network.dropoutIn)
        config.encoderNoiseStd = Float(network.encoderNoiseStd)
        config.reconstruction = options.reconstruction
        config.options = options.family
        return config
    }
}

extension ModelOptions {
    /// The options without the learning-rate overrides (a run's JSON states the rates in `training`).
    var withoutLearningRates: ModelOptions {
        var o = self
        o.reconstructionLearningRate = nil
        o.regularizationLearningRate = nil
        return o
    }
}
