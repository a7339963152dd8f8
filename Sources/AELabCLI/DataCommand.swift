import ArgumentParser
import Datasets
import Foundation

/// `aelab data`: the registered datasets, where they are found, their checks and downloads.
public struct DataCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List, verify and fetch the datasets.",
        discussion: """
            Dataset NAME is read from ROOT/NAME/ for the first ROOT, in this order, that holds all its \
            files (raw or .gz): each folder of AELAB_DATA (colon-separated), ./data, \
            $XDG_CACHE_HOME/aelab (default ~/.cache/aelab), /usr/share/datasets.
            """,
        subcommands: [List.self, Verify.self, Fetch.self])

    public init() {}
}

extension DataCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each registered dataset, where it is found, and the folders searched.")

        func run() {
            let searchPath = DataSearchPath.standard()
            for info in DatasetInfo.registered {
                guard let location = searchPath.bestLocation(of: info) else {
                    print("\(info.name): not found")
                    continue
                }
                let state = location.isComplete ? "found in" : "incomplete in"
                print("\(info.name): \(state) \(location.folder)")
                for file in info.files {
                    let path = location.paths[file.role]
                    print("  \(path.map { ($0 as NSString).lastPathComponent } ?? "\(file.name) (missing)")")
                }
            }
            print("searched, for each NAME: \(searchPath.roots.map { $0 + "/NAME" }.joined(separator: ", "))")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check each file's uncompressed content against its known SHA-256.",
            discussion: "Prints OK, MISMATCH or MISSING per file; exits non-zero on any problem.")

        @Argument(help: "The dataset: \(datasetNames).")
        var name: String

        func validate() throws { try validateDatasetName(name) }

        func run() throws {
            let report = try Dataset.verify(name)
            print("\(name): \(report.folder ?? "not found; searched \(report.searched.joined(separator: ", "))")")
            for check in report.files {
                let detail = if case let .mismatch(text) = check.status { " (\(text))" } else { "" }
                let label = check.label.padding(toLength: 8, withPad: " ", startingAt: 0)
                print("  \(label) \(check.path ?? check.file.name)\(detail)")
            }
            guard report.isOK else { throw ExitCode.failure }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a dataset from its canonical mirrors and verify it.",
            discussion: """
                Files already present and correct are kept; a download is renamed into place once \
                verified. Without --into, a dataset that is already whole and correct where the \
                search path finds it (see `aelab data --help`) is left there and nothing is downloaded.
                """)

        @Argument(help: "The dataset: \(datasetNames).")
        var name: String

        @Option(help: "Search-path root to write into; the files go to DIR/NAME (default: $XDG_CACHE_HOME/aelab, else ~/.cache/aelab).")
        var into: String?

        func validate() throws { try validateDatasetName(name) }

        func run() throws {
            let root = into.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let folder = try Dataset.fetch(name, into: root) { print($0) }
            print("\(name): all files verified in \(folder)")
        }
    }
}

private let datasetNames = DatasetInfo.registered.map(\.name).joined(separator: ", ")

private func validateDatasetName(_ name: String) throws {
    guard DatasetInfo.registered.contains(where: { $0.name == name }) else {
        throw ValidationError("unknown dataset '\(name)'; known: \(datasetNames)")
    }
}
