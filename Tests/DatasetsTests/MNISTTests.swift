import TensorCore
import XCTest
@testable import Datasets

/// The real MNIST files (skipped when absent): counts, pixels, labels, split and content sums.
final class MNISTTests: XCTestCase {
    func testCountsPixelRangeAndLabels() throws {
        let mnist = try loadedMNIST()
        XCTAssertEqual(mnist.split.trainFileImages, 60_000)
        XCTAssertEqual(mnist.split.testFileImages, 10_000)
        XCTAssertEqual(mnist.train.images.shape, [59_000, 784])
        XCTAssertEqual(mnist.validation.images.shape, [1_000, 784])
        XCTAssertEqual(mnist.test.images.shape, [10_000, 784])
        XCTAssertEqual(Array(mnist.train.labels.prefix(10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        XCTAssertEqual(Array(mnist.test.labels.prefix(10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        let pixels = mnist.test.images.scalars
        XCTAssertEqual(pixels.min(), 0)
        XCTAssertEqual(pixels.max(), 1)
        XCTAssertTrue(pixels.contains { $0 > 0 && $0 < 1 })
        XCTAssertEqual(Set(mnist.train.labels), Set(0..<10))
    }

    func testSubsetKeepsTheSameValidationSlice() throws {
        let mnist = try loadedMNIST()
        let subset = try Dataset.load(.mnist, from: try mnistLocation(),
                                      options: DatasetOptions(trainLimit: 2_000, testLimit: 500, binarization: .threshold))
        XCTAssertEqual(subset.train.count, 2_000)
        XCTAssertEqual(subset.validation.count, 1_000)
        XCTAssertEqual(subset.test.count, 500)
        XCTAssertEqual(subset.train.labels, Array(mnist.train.labels.prefix(2_000)))
        XCTAssertEqual(subset.validation.labels, mnist.validation.labels)
        XCTAssertTrue(subset.train.images.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(subset.validation.images.scalars, mnist.validation.images.scalars.map { $0 > 0.5 ? 1 : 0 })
        XCTAssertLessThanOrEqual(subset.split.train + subset.split.validation, subset.split.trainFileImages)
    }

    func testContentSumsMatch() throws {
        _ = try mnistLocation()
        let report = try Dataset.verify("mnist", searchPath: sharedSearchPath)
        XCTAssertEqual(report.files.map(\.label), ["OK", "OK", "OK", "OK"], "\(report.files)")
        XCTAssertTrue(report.isOK)
    }

    func testTrainingBatchesFromTheLoadedSet() throws {
        let mnist = try loadedMNIST()
        var rng = RandomStream(seed: 1, purpose: "shuffle")
        var batches = mnist.trainingBatches(size: 100, using: &rng)
        XCTAssertEqual(batches.batchCount, 590)
        let first = try XCTUnwrap(batches.next())
        XCTAssertEqual(first.images.shape, [100, 784])
        XCTAssertEqual(first.labels.count, 100)
    }
}
