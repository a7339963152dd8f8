import ArgumentParser
import Foundation
import Report
import ResultStore

/// `aelab inspect`: a run file, readably.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what a run file holds: attributes, per-epoch metrics, evaluation, networks.")

    @Argument(help: "A run file (RUN.h5).") var file: String
    @Flag(help: "Also print the resolved configuration (JSON).") var spec = false
    @Flag(help: "Print only the per-epoch metrics, as CSV at full precision: a row per epoch, a column per metric (train/NAME, validation/NAME). Two runs' rows can be compared with diff.")
    var epochs = false

    func validate() throws {
        if spec && epochs { throw ValidationError("--spec and --epochs print different things; choose one") }
    }

    func run() throws {
        let r: RunRecord
        do { r = try RunFile.read(file) } catch { throw failure("\(error)") }
        if epochs { return printEpochs(r) }
        let a = r.attributes
        emit("\(file)  (\(r.attributes.format))")
        emit("  run        \(a.runID) of experiment \(a.experiment)")
        emit("  model      \(a.model), latent \(a.latentDim), dropout \(a.dropout), seed \(a.seed), dataset \(a.dataset)")
        emit("  status     \(a.status.rawValue)\(a.failure.isEmpty ? "" : ": " + a.failure)")
        emit("  time       \(a.started) → \(a.finished.isEmpty ? "—" : a.finished)  (AELab \(a.aelabVersion))")
        if !a.blasCores.isEmpty { emit("  OpenBLAS   \(a.blasCores) kernels") }
        let trained = r.trainedEpochs
        if trained > 0 {
            emit("  metrics    \(trained) epochs (last epoch):")
            for (name, values) in r.trainMetrics.sorted(by: { $0.key < $1.key }) { emit("    train/\(name) = \(fmt(values.last))") }
            for (name, values) in r.validationMetrics.sorted(by: { $0.key < $1.key }) { emit("    validation/\(name) = \(fmt(values.last))") }
        }
        if let p = r.parzen {
            emit("  parzen     \(fmt(p.logLikelihood)) ± \(fmt(p.standardError)) nats at σ = \(fmt(p.sigma)) (\(p.generatedSamples) samples, \(p.testPoints) test points)")
            emit("             validation log-likelihood at each σ: " + zip(p.sigmaGrid, p.sigmaValidationLL).map { "\(fmt($0)): \(fmt($1))" }.joined(separator: ", "))
        }
        for (name, values) in r.evaluations.sorted(by: { $0.key < $1.key }) {
            emit("  \(name): " + values.sorted { $0.key < $1.key }.map { "\($0.key) \(fmt($0.value))" }.joined(separator: ", "))
        }
        for n in r.networks {
            emit("  network    \(n.name): \(n.summary)")
        }
        if let s = r.generatedSamples { emit("  samples    \(s.shape)") }
        if !r.figures.isEmpty { emit("  figures    " + r.figures.keys.sorted().map { "\($0) \(r.figures[$0]!.shape)" }.joined(separator: ", ")) }
        if let m = CodeMatch(r) {
            emit("  codes      \(m.codes) test images' \(m.codesName)\(m.codesAreMeans ? " (the adversary saw μ + σ·ε)" : "") against \(m.priorSamples) prior samples: \(m.radiusText)")
            emit("             \(m.stdText)")
        }
        if let c = r.checkpoint { emit("  checkpoint epoch \(c.epoch), phases \(c.optimizers.map(\.phase).joined(separator: ", "))") }
        if spec { emit(a.spec) }
    }

    /// The metrics as CSV; a metric with fewer values than epochs (none yet) leaves its cell empty.
    private func printEpochs(_ r: RunRecord) {
        let columns = r.trainMetrics.sorted { $0.key < $1.key }.map { ("train/" + $0.key, $0.value) }
            + r.validationMetrics.sorted { $0.key < $1.key }.map { ("validation/" + $0.key, $0.value) }
        emit((["epoch"] + columns.map(\.0)).joined(separator: ","))
        let count = columns.map(\.1.count).max() ?? 0
        for e in 0..<count {
            emit((["\(e + 1)"] + columns.map { e < $0.1.count ? "\($0.1[e])" : "" }).joined(separator: ","))
        }
    }

    private func fmt(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "—" }
}
