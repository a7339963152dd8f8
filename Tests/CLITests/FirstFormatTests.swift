import Foundation
import ResultStore
import XCTest

/// Run files of the first format, `aelab-run/1` (every result published before networks became
/// lists of layers), as the build of that time wrote them: Fixtures/run-v1/v1/runs holds a VAE and
/// an AAE with batch norm (the fixed MLP's `layerI` and `normI` tensors), trained by build
/// ab30762 from Fixtures/run-v1/v1.json (the command is in Fixtures/run-v1/README.md). Today's
/// `compare`, `report` and `evaluate` read them, and `evaluate` rebuilds the networks from the
/// file alone and gets the stored Parzen value back.
final class FirstFormatTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/run-v1/v1")

    private func copyOfFixture() throws -> URL {
        let folder = try CLI.temporaryFolder().appendingPathComponent("v1")
        try FileManager.default.copyItem(at: Self.fixture, to: folder)
        return folder
    }

    func testCompareAndReportReadFirstFormatRuns() throws {
        let folder = try copyOfFixture()
        let files = ["vae-z3-d0-s1.h5", "aae-z3-d0-s1.h5"].map { folder.appendingPathComponent("runs/\($0)").path }
        var stored: [Double] = []
        for file in files {
            let record = try RunFile.read(file)
            XCTAssertEqual(record.attributes.format, "aelab-run/1", file)
            XCTAssertTrue(record.networks.allSatisfy { $0.mlp != nil && $0.layers == nil }, "\(file): MLP networks")
            stored.append(try XCTUnwrap(record.parzen, file).logLikelihood)
        }

        let compare = try CLI.run(["compare", folder.path])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        for value in stored {
            XCTAssertTrue(compare.stdout.contains(String(format: "%.1f", value)), "\(value) in\n\(compare.stdout)")
        }
        let json = try CLI.run(["compare", folder.path, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)))

        let report = try CLI.run(["report", folder.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = try String(contentsOf: folder.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("vae-z3-d0-s1") && page.contains("aae-z3-d0-s1"))
    }

    /// The networks are rebuilt from the first format's MLP description and tensors: with the
    /// run's own settings and thread count, the Parzen estimate is the stored one (a tensor loaded
    /// into the wrong layer would change it by nats), and the file stays in its format.
    func testEvaluateRebuildsFirstFormatNetworks() throws {
        guard FileManager.default.fileExists(atPath: CLI.dataRoot + "/mnist") else {
            throw XCTSkip("MNIST not found under \(CLI.dataRoot)")
        }
        let folder = try copyOfFixture()
        for name in ["vae-z3-d0-s1.h5", "aae-z3-d0-s1.h5"] {
            let file = folder.appendingPathComponent("runs/\(name)").path
            let before = try RunFile.read(file)
            let parzen = try XCTUnwrap(before.parzen)
            let result = try CLI.run(["evaluate", file, "--threads", "1"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let after = try RunFile.read(file)
            XCTAssertEqual(after.attributes.format, "aelab-run/1", name)
            let again = try XCTUnwrap(after.parzen)
            XCTAssertEqual(again.sigma, parzen.sigma, name)
            XCTAssertEqual(again.logLikelihood, parzen.logLikelihood, accuracy: 1e-3 * parzen.standardError, name)
            XCTAssertEqual(after.networks, before.networks, "\(name): weights untouched")
        }
    }
}
