import XCTest
@testable import Datasets

/// Fashion-MNIST on the standard search path (Debian's dataset-fashion-mnist installs it under
/// /usr/share/datasets); skipped when absent.
final class FashionMNISTTests: XCTestCase {
    func testContentSumsMatchTheRegistry() throws {
        let searchPath = DataSearchPath(roots: sharedSearchPath.roots + DataSearchPath.standard().roots,
                                        fetchRoot: sharedSearchPath.fetchRoot)
        guard (try? searchPath.locate(.fashionMNIST)) != nil else {
            throw XCTSkip("Fashion-MNIST not found in \(searchPath.folders(for: "fashion-mnist"))")
        }
        let report = try Dataset.verify("fashion-mnist", searchPath: searchPath)
        XCTAssertEqual(report.files.map(\.label), ["OK", "OK", "OK", "OK"], "\(report.files)")
    }
}
