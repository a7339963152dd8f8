import Foundation
@testable import Report
import ResultStore
import TensorCore
import XCTest

/// Writes files for the checks outside Swift, into the folder named by AELAB_REPORT_FIXTURES
/// (skipped when unset):
///
/// - `known.png`: a grid of images whose intensities cover clamping and rounding;
/// - `report/`: the report of `SyntheticRuns.experiment` (the folder acts as a RESULTS folder);
/// - beside every PNG, `NAME.png.grid.json` (tile side, gap, background, layout) and
///   `NAME.png.source.f32` (the source tensor, float32 little-endian), from which
///   tests/report/check_png.py rebuilds the expected pixels on its own.
///
/// Then: `python3 tests/report/check_png.py FOLDER`, `python3 tests/report/check_markup.py FOLDER`
/// and `scripts/report-screenshot FOLDER`.
final class ReportFixtureTests: XCTestCase {
    func testWriteFixtures() throws {
        guard let path = ProcessInfo.processInfo.environment["AELAB_REPORT_FIXTURES"], !path.isEmpty else {
            throw XCTSkip("set AELAB_REPORT_FIXTURES=FOLDER to write the report fixtures")
        }
        let folder = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        let values: [Float] = (0..<(13 * 784)).map { i in Float(i % 523) / 400 - 0.1 }   // −0.1 … 1.2
        var known = ImageGrid.samples(Tensor(shape: [13, 784], scalars: values), columns: 5)
        known.background = 77
        try write(known, to: folder.appendingPathComponent("known.png"))

        let records = SyntheticRuns.experiment
        let report = folder.appendingPathComponent("report")
        try writeReport(experiment: "synthetic", records: records, to: report.path)
        var written = 0
        for record in records {
            let id = safeName(record.attributes.runID)
            let grids = [("samples", RunFigures.samples(record)), ("reconstructions", RunFigures.reconstructions(record)),
                         ("manifold", RunFigures.manifold(record))]
            for case let (name, grid?) in grids {
                let png = report.appendingPathComponent("figures/\(id)-\(name).png")
                XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), png.path)
                try writeSidecars(grid, for: png)
                written += 1
            }
        }
        XCTAssertEqual(written, 5 * 2 + 3, "samples and reconstructions of five finished runs, three manifolds")
    }

    private func write(_ grid: ImageGrid, to png: URL) throws {
        try Data(PNG.encode(grid.render())).write(to: png)
        try writeSidecars(grid, for: png)
    }

    private func writeSidecars(_ grid: ImageGrid, for png: URL) throws {
        let layout = grid.layout.map { row in row.map { $0.map(String.init) ?? "null" }.joined(separator: ",") }
        let json = """
            {"side": \(grid.side), "gap": \(grid.gap), "background": \(grid.background), \
            "rows": \(grid.source.rows), "columns": \(grid.source.columns), "layout": [\(layout.map { "[\($0)]" }.joined(separator: ","))]}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: png.path + ".grid.json"))
        let bytes = grid.source.scalars.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: png.path + ".source.f32"))
    }
}
