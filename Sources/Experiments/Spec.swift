import Models
import NeuralNet
import Training

/// An experiment spec (`experiments/NAME.json`; every key in docs/spec.md), validated, with every
/// default made explicit. Read one with `Spec.load(file:overrides:)`; `runs()` is its sweep
/// expanded, run i being `runs()[i]`.
///
/// Reading checks every run the sweep makes, so a spec that loads has no invalid run.
public struct Spec: Codable, Sendable, Equatable {
    /// Names the results folder: letters, digits, `.`, `_`, `-`.
    public internal(set) var name: String
    /// Free text.
    public internal(set) var description: String
    public internal(set) var dataset: DatasetSpec
    /// Names from `ModelRegistry`, distinct, in the order the runs take them.
    public internal(set) var models: [String]
    public internal(set) var sweep: Sweep
    public internal(set) var network: NetworkSpec
    /// The values of runs whose sweep does not vary them.
    public internal(set) var latentDim: Int
    public internal(set) var dropout: Double
    public internal(set) var seed: Int
    public internal(set) var prior: Prior
    public internal(set) var training: TrainingSpec
    /// Resolved options of every listed model (and of any other model given options).
    public internal(set) var modelOptions: [String: ModelOptions]
    public internal(set) var evaluation: EvaluationSettings
    /// The sweep's points, each a checked spec without a sweep (empty when nothing is swept).
    var points: [SweepPoint] = []

    static let keys = ["name", "description", "dataset", "models", "sweep", "network", "latent_dim", "dropout",
                       "seed", "prior", "training", "model_options", "evaluation"]

    /// `written`: the spec as the user gave it (with `--set` and, for a sweep point, the swept
    /// values), to tell their values from defaults in messages; `f`'s object when not given.
    init(_ f: Fields, written: JSONValue? = nil) throws {
        try f.only(Self.keys)
        name = try f.requiredString("name", expected: "the experiment's name, used for its results folder")
        guard Self.isFileName(name) else {
            throw f.problem("name", "expected letters, digits, '.', '_' or '-' (it names the results folder), got \(name.jsonQuoted)")
        }
        description = try f.string("description", default: "")
        dataset = try DatasetSpec(f.object("dataset"))
        models = try Self.models(f)
        network = try NetworkSpec(f.object("network"))
        latentDim = try f.int("latent_dim", default: 8, min: 1)
        dropout = try f.number("dropout", default: 0, .fraction)
        seed = try f.int("seed", default: 1, min: 0, max: 1 << 53)
        prior = try Prior(spec: f.object("prior"))
        training = try TrainingSpec(f.object("training"))
        modelOptions = try Self.modelOptions(f.object("model_options"), models: models)
        evaluation = try EvaluationSettings(f.object("evaluation"))
        sweep = try Sweep(f.object("sweep"))
        let written = written ?? .object(f.object)
        try checkAgreement(written: written, swept: sweep.axes.flatMap(\.paths))
        points = try sweepPoints(written: written)
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Swift.Encoder) throws { try json.encode(to: encoder) }

    /// The spec with every default filled in, as JSON with sorted keys.
    public var resolvedJSON: String { json.prettyText }

    var json: JSONValue {
        .object(["name": JSONValue(name), "description": JSONValue(description), "dataset": dataset.json,
                 "models": .array(models.map { JSONValue.string($0) }), "sweep": sweep.json, "network": network.json,
                 "latent_dim": JSONValue(latentDim), "dropout": JSONValue(dropout), "seed": JSONValue(seed),
                 "prior": prior.specJSON, "training": training.json,
                 "model_options": .object(modelOptions.mapValues(\.json)), "evaluation": evaluation.json])
    }

    /// Each model's networks against the dataset's images and the latent size: a layer that
    /// does not fit its input, or a decoder whose output is not the image, at the layer's path.
    private func checkArchitectures() throws {
        for model in models {
            let family = ModelRegistry.family(named: model)!
            guard let problem = Autoencoder.check(family: family, config: modelConfig(for: model)) else { continue }
            let base = JSONPath() + "network" + problem.role.rawValue
            let path: JSONPath
            if let given = network.layers[problem.role] {
                path = given.path(base, layer: problem.layer)
            } else {
                path = JSONPath() + "network" + (problem.role == .discriminator ? "discriminator_hidden" : "hidden")
            }
            let layer = problem.layer == nil && network.layers[problem.role] != nil && problem.role != .decoder
                ? " (at the \(problem.role == .encoder ? "code layer the encoder ends with" : "discriminator's output layer"))" : ""
            throw SpecProblem(path, "\(problem.message)\(layer) for \(model) on \(dataset.name) (images \(LayerSpec.describe([1, dataset.info.imageRows, dataset.info.imageColumns])), latent_dim \(latentDim))")
        }
    }

    private static func isFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && RunConfig.fileNameSafe(name) == name
    }

    private static func models(_ f: Fields) throws -> [String] {
        let known = ModelRegistry.names
        guard let value = f["models"] else {
            throw f.problem("models", "missing required key 'models' (a list of model names: \(known.joined(separator: ", ")))")
        }
        let list = try value.array(at: f.path + "models")
        guard !list.isEmpty else {
            throw f.problem("models", "expected at least one model name (known models: \(known.joined(separator: ", ")))")
        }
        var names: [String] = []
        for (i, item) in list.enumerated() {
            let path = f.path + "models" + i
            let name = try item.string(at: path)
            guard known.contains(name) else { throw SpecProblem(path, unknownName(name, "model", known: known)) }
            if let j = names.firstIndex(of: name) { throw SpecProblem(path, "\(name.quoted) is listed twice (also models[\(j)])") }
            names.append(name)
        }
        return names
    }

    private static func modelOptions(_ f: Fields, models: [String]) throws -> [String: ModelOptions] {
        var given: [String: ModelOptions] = [:]
        for model in f.object.keys.sorted() {
            guard ModelRegistry.names.contains(model) else {
                throw f.problem(model, unknownName(model, "model", known: ModelRegistry.names))
            }
            given[model] = try ModelOptions(f.object(model), model: model)
        }
        var resolved: [String: ModelOptions] = [:]
        for model in Set(models).union(given.keys) { resolved[model] = (given[model] ?? ModelOptions()).resolved(for: model) }
        return resolved
    }

    /// The dataset's split against its files' sizes (known from the registry, so before any file
    /// is read or any folder written): the validation slice, the training and test limits, and
    /// the test points of the evaluations when no test limit caps them.
    private func checkSplit() throws {
        let root = JSONPath(), info = dataset.info, options = dataset.options
        let data = root + "dataset"
        let n = info.trainImageCount, m = info.testImageCount
        let v = options.validationSize
        if v >= n {
            throw SpecProblem(data + "validation_size", "expected at most \(n - 1) (\(info.name)'s training file has \(n) images, and at least one must be left to train on), got \(v)")
        }
        if let limit = options.trainLimit, limit > n - v {
            throw SpecProblem(data + "train_limit", "expected at most \(n - v) (\(info.name)'s training file has \(n) images, \(v) of them the validation slice), got \(limit)")
        }
        if let limit = options.testLimit, limit > m {
            throw SpecProblem(data + "test_limit", "expected at most \(m) (\(info.name)'s test file has \(m) images), got \(limit)")
        }
        if options.testLimit == nil {
            for (path, points) in [(root + "evaluation" + "parzen" + "test_points", evaluation.parzen.testPoints),
                                   (root + "evaluation" + "importance_sampling" + "test_points", evaluation.importanceSampling.testPoints)]
            where points > m {
                throw SpecProblem(path, "expected at most \(m) (\(info.name)'s test file has \(m) images), got \(points)")
            }
        }
    }

    /// Checks between sections. `written` is the spec as given, to tell a value the user wrote
    /// from a default that clashes with one they did. A check that involves a swept setting is
    /// left to the sweep's points, where it meets the swept values.
    private func checkAgreement(written: JSONValue, swept: [String]) throws {
        let root = JSONPath()
        func got(_ value: Int, at path: JSONPath, limit: Int) -> String {
            let given = written[path].map { $0 != .null } ?? false
            return given ? "got \(value)" : "got \(value) (the default); set \(path) to at most \(limit)"
        }
        func involvesSwept(_ settings: String...) -> Bool {
            settings.contains { s in swept.contains { s == $0 || s.hasPrefix($0 + ".") } }
        }
        if latentDim < prior.minimumLatentDimension {
            throw SpecProblem(root + "latent_dim", "expected an integer ≥ 2 for the \(prior.specJSON[["kind"]]?.rendered ?? "") prior, which lives in the first two latent dimensions, got \(latentDim)")
        }
        let parzen = root + "evaluation" + "parzen", options = dataset.options
        if !involvesSwept("dataset") {
            try checkSplit()
        }
        if evaluation.parzen.validationPoints > options.validationSize,
           !involvesSwept("evaluation.parzen.validation_points", "dataset.validation_size") {
            throw SpecProblem(parzen + "validation_points", "expected at most dataset.validation_size (\(options.validationSize)), "
                              + got(evaluation.parzen.validationPoints, at: parzen + "validation_points", limit: options.validationSize))
        }
        if let limit = options.testLimit {
            for (path, points) in [(parzen + "test_points", evaluation.parzen.testPoints),
                                   (root + "evaluation" + "importance_sampling" + "test_points", evaluation.importanceSampling.testPoints)]
            where points > limit && !involvesSwept("\(path)", "dataset.test_limit") {
                throw SpecProblem(path, "expected at most dataset.test_limit (\(limit)), " + got(points, at: path, limit: limit))
            }
        }
        if !involvesSwept("latent_dim", "dropout", "network", "dataset", "model_options") {
            try checkArchitectures()
        }
        if training.settings.dropLast, let limit = options.trainLimit, limit < training.settings.batchSize,
           !involvesSwept("training.batch_size", "training.drop_last", "dataset.train_limit") {
            throw SpecProblem(root + "training" + "batch_size", "expected at most dataset.train_limit (\(limit)) with drop_last, "
                              + got(training.settings.batchSize, at: root + "training" + "batch_size", limit: limit))
        }
    }
}
