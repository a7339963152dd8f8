import _CZlib
import Foundation
import XCTest
@testable import Datasets

/// Where the tests find real data: the folders of `AELAB_DATA` if set, then `../shared/datasets`
/// beside the package.
let sharedSearchPath: DataSearchPath = {
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let shared = package.appendingPathComponent("../shared/datasets").standardizedFileURL.path
    let fromEnvironment = (ProcessInfo.processInfo.environment["AELAB_DATA"] ?? "").split(separator: ":")
        .map(String.init)
    return DataSearchPath(roots: fromEnvironment + [shared], fetchRoot: NSTemporaryDirectory())
}()

/// MNIST with the default split, loaded once for every test that reads it.
private let fullMNIST = Result { try Dataset.load("mnist", searchPath: sharedSearchPath) }

/// The location of MNIST, or a skip naming where it was looked for.
func mnistLocation() throws -> DatasetLocation {
    guard let location = try? sharedSearchPath.locate(.mnist) else {
        throw XCTSkip("MNIST not found in \(sharedSearchPath.folders(for: "mnist")); set AELAB_DATA")
    }
    return location
}

/// MNIST loaded with the default options (60,000 − 1,000 train, 1,000 validation, 10,000 test).
func loadedMNIST() throws -> Dataset {
    _ = try mnistLocation()
    return try fullMNIST.get()
}

/// A fresh empty folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aelab-datasets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// IDX bytes: big-endian magic and extents, then `data`.
func idx(magic: UInt32, extents: [Int], data: [UInt8]) -> [UInt8] {
    func bigEndian(_ x: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: x >> (8 * $0)) } }
    return bigEndian(magic) + extents.flatMap { bigEndian(UInt32($0)) } + data
}

/// An images file of `count` 28×28 images whose pixel i of image k is (k + i) mod 256.
func idxImages(count: Int) -> [UInt8] {
    let pixels = (0..<count * 784).map { UInt8(truncatingIfNeeded: $0 / 784 + $0 % 784) }
    return idx(magic: IDX.imagesMagic, extents: [count, 28, 28], data: pixels)
}

/// A labels file holding `labels`.
func idxLabels(_ labels: [UInt8]) -> [UInt8] {
    idx(magic: IDX.labelsMagic, extents: [labels.count], data: labels)
}

/// `bytes` as a gzip stream (zlib's deflate with a gzip wrapper).
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    precondition(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
    var input = bytes
    let status = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = uInt(target.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    precondition(status == Z_STREAM_END)
    return Array(output[..<Int(stream.total_out)])
}

/// Writes `bytes` to `folder/name` and returns the path.
@discardableResult
func write(_ bytes: [UInt8], to folder: String, _ name: String) throws -> String {
    let path = folder + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Asserts that `body` throws a `DatasetError` whose description names `file`, and returns it.
@discardableResult
func assertDatasetError(naming file: String, _ body: () throws -> Void,
                        file path: StaticString = #filePath, line: UInt = #line) -> DatasetError? {
    do {
        try body()
        XCTFail("no error thrown", file: path, line: line)
    } catch let error as DatasetError {
        XCTAssertTrue(error.description.contains(file), "'\(error)' does not name \(file)", file: path, line: line)
        XCTAssertFalse(error.description.contains("\n"), "'\(error)' is not one line", file: path, line: line)
        return error
    } catch {
        XCTFail("unexpected error \(error)", file: path, line: line)
    }
    return nil
}
