import XCTest
@testable import Datasets

/// Well-formed and damaged IDX files written to a temporary folder.
final class IDXTests: XCTestCase {
    func testReadsRawAndGzipAlike() throws {
        let folder = try temporaryFolder(self)
        let raw = try write(idxImages(count: 3), to: folder, "images")
        let gz = try write(gzipped(idxImages(count: 3)), to: folder, "images.gz")
        let images = try IDX.readImages(at: raw)
        XCTAssertEqual([images.count, images.rows, images.columns], [3, 28, 28])
        XCTAssertEqual(images.pixels[784 + 5], 6)
        XCTAssertEqual(try IDX.readImages(at: gz), images)
        let labels = try write(gzipped(idxLabels([3, 1, 4])), to: folder, "labels.gz")
        XCTAssertEqual(try IDX.readLabels(at: labels), [3, 1, 4])
    }

    func testBadMagicNamesFileAndBothNumbers() throws {
        let path = try write(idxLabels([1, 2]), to: try temporaryFolder(self), "labels-as-images")
        let error = assertDatasetError(naming: path) { _ = try IDX.readImages(at: path) }
        XCTAssertEqual(error, .badMagic(file: path, expected: 0x803, found: 0x801))
        XCTAssertTrue(error?.description.contains("expected 0x00000803, found 0x00000801") ?? false)
    }

    func testTruncatedDataAndHeader() throws {
        let folder = try temporaryFolder(self)
        let short = try write(Array(idxImages(count: 2).dropLast(100)), to: folder, "short")
        let error = assertDatasetError(naming: short) { _ = try IDX.readImages(at: short) }
        XCTAssertEqual(error, .truncated(file: short, part: "data", expected: 1568, found: 1468))
        let stub = try write([0, 0, 8, 3, 0, 0], to: folder, "stub")
        assertDatasetError(naming: stub) { _ = try IDX.readImages(at: stub) }
        let long = try write(idxLabels([1, 2]) + [0], to: folder, "long")
        XCTAssertEqual(assertDatasetError(naming: long) { _ = try IDX.readLabels(at: long) },
                       .trailingBytes(file: long, expected: 2, found: 3))
    }

    func testCorruptGzip() throws {
        let folder = try temporaryFolder(self)
        var damaged = gzipped(idxImages(count: 4))
        for i in 20..<40 { damaged[i] ^= 0x5a }
        let corrupt = try write(damaged, to: folder, "corrupt.gz")
        guard case .corruptGzip = assertDatasetError(naming: corrupt, { _ = try IDX.readImages(at: corrupt) }) else {
            return XCTFail("expected corruptGzip")
        }
        let cut = try write(Array(gzipped(idxImages(count: 4)).dropLast(50)), to: folder, "cut.gz")
        guard case .corruptGzip = assertDatasetError(naming: cut, { _ = try IDX.readImages(at: cut) }) else {
            return XCTFail("expected corruptGzip")
        }
    }

    func testRawFileNamedGzIsRejected() throws {
        let path = try write(idxLabels([1]), to: try temporaryFolder(self), "labels.gz")
        XCTAssertEqual(assertDatasetError(naming: path) { _ = try IDX.readLabels(at: path) }, .notGzip(file: path))
    }

    func testMissingFile() throws {
        let path = try temporaryFolder(self) + "/absent"
        assertDatasetError(naming: path) { _ = try IDX.readLabels(at: path) }
    }
}
