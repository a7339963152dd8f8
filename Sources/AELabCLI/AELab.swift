import ArgumentParser
import Datasets

/// The `aelab` command: one subcommand per task.
public struct AELab: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "aelab",
        abstract: "Train and compare the autoencoder family under one protocol.",
        subcommands: [RunCommand.self, CompareCommand.self, ReportCommand.self, EvaluateCommand.self, InspectCommand.self, TrainCommand.self, DataCommand.self, SlurmCommand.self]
    )
    public init() {}
}
