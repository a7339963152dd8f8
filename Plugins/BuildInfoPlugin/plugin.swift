import Foundation
import PackagePlugin

/// Before every build, writes the checkout's commit into the BuildInfo module
/// (`scripts/build-info`), so that a run file can name the build that trained it. The file is
/// rewritten only when the commit or the tree's cleanliness changed, so an unchanged checkout
/// recompiles nothing.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let package = context.package.directoryURL
        return [.prebuildCommand(
            displayName: "Recording the checkout's commit",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [package.appendingPathComponent("scripts/build-info").path, package.path, output.path],
            outputFilesDirectory: output)]
    }
}
