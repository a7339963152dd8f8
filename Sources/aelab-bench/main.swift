import ArgumentParser
import TensorCore

/// `aelab-bench`: speed figures, each printed with its reference and the ratio.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aelab-bench",
        abstract: "Benchmarks of AELab (run from a release build: swift run -c release aelab-bench …).",
        subcommands: [CoreBench.self, AAEEpochBench.self, ParzenBench.self, PriorProbe.self]
    )
}

BLASKernel.preferFasterKernel()
Bench.main()
