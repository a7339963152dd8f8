import Foundation
import Models
import ResultStore

/// The model order of the comparison tables and charts when none is given: the registry's.
public var defaultModelOrder: [String] { ModelRegistry.names }

/// A report that could not be written: the path and what went wrong.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// Writes the HTML report of `records` into the folder `folder` (usually RESULTS/report):
/// `index.html` and `figures/` with PNG image grids and SVG charts. Returns the path of index.html.
///
/// The new report is built in a hidden sibling folder and renamed into place when whole; an
/// earlier report in `folder` is replaced only then. `problems` (e.g. unreadable run files) are
/// listed at the top of the page.
@discardableResult
public func writeReport(experiment: String, records: [RunRecord], to folder: String,
                        modelOrder: [String] = defaultModelOrder, problems: [String] = []) throws -> String {
    let page = ReportPage(experiment: experiment, records: records, modelOrder: modelOrder, problems: problems)
    let fm = FileManager.default
    let target = URL(fileURLWithPath: folder).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let suffix = "\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    let building = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(suffix)")
    do {
        try fm.createDirectory(at: building.appendingPathComponent("figures"), withIntermediateDirectories: true)
        for (path, bytes) in page.files {
            try Data(bytes).write(to: building.appendingPathComponent(path))
        }
        try Data(page.html.utf8).write(to: building.appendingPathComponent("index.html"))
        try replaceFolder(target, with: building)
    } catch {
        try? fm.removeItem(at: building)
        throw error as? ReportError ?? ReportError(path: folder, problem: "cannot write the report: \(error.localizedDescription)")
    }
    return target.appendingPathComponent("index.html").path
}

/// Writes RESULTS/report from the run files RESULTS/runs/*.h5 and baselines/*.h5 (the experiment named after the
/// runs, or the folder); files that cannot be read are listed in the report instead of stopping it,
/// and passed to `warn` as they are found. A folder without any run file is an error: there would
/// be nothing to show. Returns the path of index.html.
@discardableResult
public func writeReport(resultsFolder: String, modelOrder: [String] = defaultModelOrder,
                        warn: (String) -> Void = { _ in }) throws -> String {
    let folder = URL(fileURLWithPath: resultsFolder)
    let runs = folder.appendingPathComponent("runs")
    guard FileManager.default.fileExists(atPath: runs.path) else {
        throw ReportError(path: runs.path, problem: "no run folder (expected RESULTS/runs/*.h5 as written by aelab run)")
    }
    let (records, problems) = try experimentRecords(resultsFolder: resultsFolder, parts: [.summary, .samples], warn: warn)
    let experiment = records.first?.attributes.experiment
        ?? URL(fileURLWithPath: resultsFolder).standardizedFileURL.lastPathComponent
    return try writeReport(experiment: experiment, records: records,
                           to: URL(fileURLWithPath: resultsFolder).appendingPathComponent("report").path,
                           modelOrder: modelOrder, problems: problems)
}

/// Everything the tables of `resultsFolder` show: the planned runs without a file, the
/// checkpoints, then the run files and baselines (`parts` of each), read in that order so that a
/// run starting or finishing meanwhile is read twice rather than missed. An unreadable file or
/// plan is left out, passed to `warn` and listed in `problems`; a folder with none of them is an
/// error.
public func experimentRecords(resultsFolder: String, parts: RunFile.Parts,
                              warn: (String) -> Void = { _ in }) throws -> (records: [RunRecord], problems: [String]) {
    let paths = RunPaths(folder: resultsFolder)
    let files = paths.allRunFiles()
    guard !files.isEmpty || !paths.checkpointFiles().isEmpty || FileManager.default.fileExists(atPath: paths.planFile) else {
        throw ReportError(path: resultsFolder, problem: RunPaths.noRunFiles)
    }
    var problems: [String] = []
    var records = notStartedRuns(resultsFolder: resultsFolder) { problems.append($0); warn($0) }
    if files.isEmpty && records.isEmpty && paths.checkpointFiles().isEmpty {   // only a damaged or empty plan
        throw ReportError(path: resultsFolder, problem: RunPaths.noRunFiles)
    }
    records += unfinishedRuns(resultsFolder: resultsFolder, warn: warn)
    for file in files {
        do {
            records.append(try RunFile.read(file, parts: parts))
        } catch {
            let name = URL(fileURLWithPath: file).pathComponents.suffix(2).joined(separator: "/")
            problems.append("\(name) was left out: \(error)")
            warn("skipping \(error)")
        }
    }
    return (records, problems)
}

/// The checkpoints of `resultsFolder` (attributes and metrics), marked running whatever the
/// file says, so that the tables list them as unfinished runs rather than leave them out unsaid.
/// One that cannot be read is passed to `warn` and left out; one gone since the listing (its run
/// finished) is left out silently.
public func unfinishedRuns(resultsFolder: String, warn: (String) -> Void = { _ in }) -> [RunRecord] {
    RunPaths(folder: resultsFolder).checkpointFiles().compactMap { file in
        do {
            var record = try RunFile.read(file, parts: .metrics)
            record.attributes.status = .running
            return record
        } catch {
            if FileManager.default.fileExists(atPath: file) { warn("skipping checkpoint \(error)") }
            return nil
        }
    }
}

/// The runs of `resultsFolder`'s plan (`PlannedRuns`: the last `aelab run`'s sweep) with neither
/// a run file nor a checkpoint, as records without epochs, which the tables list as not started.
/// No plan gives none; one that cannot be read is passed to `warn` (one line naming the file) and
/// gives none.
public func notStartedRuns(resultsFolder: String, warn: (String) -> Void = { _ in }) -> [RunRecord] {
    let paths = RunPaths(folder: resultsFolder), fm = FileManager.default
    do {
        return (try PlannedRuns.read(paths.planFile) ?? []).filter {
            !fm.fileExists(atPath: paths.runFile($0.attributes.runID)) && !fm.fileExists(atPath: paths.checkpoint($0.attributes.runID))
        }
    } catch {
        warn("\(error); the runs not started are not listed")
        return []
    }
}

/// Moves `new` to `target`; an existing `target` is first moved aside, then deleted.
private func replaceFolder(_ target: URL, with new: URL) throws {
    let fm = FileManager.default
    guard fm.fileExists(atPath: target.path) else {
        try fm.moveItem(at: new, to: target)
        return
    }
    let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
    try fm.moveItem(at: target, to: old)
    do {
        try fm.moveItem(at: new, to: target)
    } catch {
        try? fm.moveItem(at: old, to: target)
        throw error
    }
    try? fm.removeItem(at: old)
}
