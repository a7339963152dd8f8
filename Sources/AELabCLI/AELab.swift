import ArgumentParser
import Datasets

/// The `aelab` command: one subcommand per task.
public struct AELab: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "aelab",
        abstract: "Train and compare the autoencoder family under one protocol.",
        discussion: """
        AELAB_DATA names colon-separated folders searched first for datasets (aelab data --help).

        OPENBLAS_CORETYPE names OpenBLAS's kernel family, e.g. Haswell or SkylakeX. Unset, aelab keeps OpenBLAS's own choice unless that lacks AVX2 on a CPU with AVX2 and FMA (Debian 12's OpenBLAS falls back to SSE3 kernels on the newest Xeons, several times slower); it then starts itself again with the best family the CPU's flags allow. Set, it is used as it is. Run files record the families: aelab inspect RUN.h5 shows them; aelab info shows this machine's.
        """,
        subcommands: [RunCommand.self, CompareCommand.self, ReportCommand.self, EvaluateCommand.self, InspectCommand.self, TrainCommand.self, ModelsCommand.self, DataCommand.self, SlurmCommand.self, InfoCommand.self]
    )
    public init() {}
}
