import ArgumentParser
import Experiments

/// `aelab models`: the model families, their capabilities and options, from the registry.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the model families, their capabilities and the options each reads.",
        discussion: "Options go in a spec under model_options.MODEL (docs/spec.md). --markdown prints the table docs/spec.md embeds.")

    @Flag(help: "Print Markdown tables instead of text.") var markdown = false

    func run() throws {
        print(markdown ? ModelCatalog.markdown : ModelCatalog.text, terminator: "")
    }
}
