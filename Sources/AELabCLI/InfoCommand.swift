import ArgumentParser
import Datasets
import Experiments
import Foundation
import TensorCore

/// `aelab info`: what this installation will run with.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the build, the OpenBLAS kernels and cores it runs on, and where each dataset is found.",
        discussion: """
        Run files record the build and the kernel family that trained them; this shows what a run started now would record. --blas-kernel prints the family alone, e.g. for OPENBLAS_CORETYPE in scripts (scripts/test runs the unit tests on it).
        """
    )

    @Flag(help: "Print only the OpenBLAS kernel family, e.g. Cooperlake.") var blasKernel = false

    func run() {
        if blasKernel { return emit(BLASKernel.current) }
        emit("aelab      \(aelabVersion)")
        emit("OpenBLAS   \(BLASKernel.configuration)")
        emit("kernels    \(BLASKernel.current) (\(BLASKernel.choice))")
        emit("cores      \(ProcessInfo.processInfo.activeProcessorCount) (aelab run uses them all for one run; --jobs N --threads T splits them)")
        let searchPath = DataSearchPath.standard()
        for info in DatasetInfo.registered {
            let place = searchPath.bestLocation(of: info).map { ($0.isComplete ? "" : "incomplete: ") + $0.folder }
                ?? "not found (aelab data list)"
            emit("dataset    \(info.name): \(place)")
        }
    }
}
