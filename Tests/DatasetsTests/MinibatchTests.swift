import TensorCore
import XCTest
@testable import Datasets

final class MinibatchTests: XCTestCase {
    /// Ten images of three features; row k holds k/10, and label k.
    private let data = LabeledImages(
        images: Tensor(shape: [10, 3], scalars: (0..<30).map { Float($0 / 3) / 10 }), labels: Array(0..<10))

    private func epoch(seed: UInt64, dropLast: Bool = false, resample: Bool = false) -> [(images: Tensor, labels: [Int])] {
        var rng = RandomStream(seed: seed, purpose: "shuffle")
        return Array(data.batches(size: 4, dropLast: dropLast, resample: resample, using: &rng))
    }

    func testEpochVisitsEveryRowOnceAndKeepsThePartialBatch() {
        let batches = epoch(seed: 1)
        XCTAssertEqual(batches.map(\.labels.count), [4, 4, 2])
        XCTAssertEqual(batches.flatMap(\.labels).sorted(), Array(0..<10))
        for batch in batches {
            XCTAssertEqual(batch.images.shape, [batch.labels.count, 3])
            let expected = batch.labels.flatMap { label in [Float](repeating: Float(label) / 10, count: 3) }
            XCTAssertEqual(batch.images.scalars, expected)
        }
        XCTAssertEqual(epoch(seed: 1, dropLast: true).map(\.labels.count), [4, 4])
    }

    func testSameSeedSameBatchesOtherSeedOthers() {
        let a = epoch(seed: 7), b = epoch(seed: 7), c = epoch(seed: 8)
        XCTAssertEqual(a.map(\.labels), b.map(\.labels))
        XCTAssertEqual(a.map(\.images), b.map(\.images))
        XCTAssertNotEqual(a.map(\.labels), c.map(\.labels))
    }

    func testSuccessiveEpochsFromOneStreamDiffer() {
        var rng = RandomStream(seed: 3, purpose: "shuffle")
        let first = data.batches(size: 10, using: &rng).map(\.labels)
        let second = data.batches(size: 10, using: &rng).map(\.labels)
        XCTAssertNotEqual(first, second)
    }

    func testDynamicBinarisationGivesZerosAndOnesReproducibly() {
        let batches = epoch(seed: 5, resample: true)
        let values = batches.flatMap(\.images.scalars)
        XCTAssertTrue(values.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertTrue(values.contains(0) && values.contains(1))
        // Row 0 is all zeros and stays so: P(1) = x = 0.
        for batch in batches {
            for (r, label) in batch.labels.enumerated() where label == 0 {
                XCTAssertEqual(batch.images.rows(r..<r + 1).scalars, [0, 0, 0])
            }
        }
        XCTAssertEqual(epoch(seed: 5, resample: true).map(\.images), batches.map(\.images))
    }

    func testThresholdBinarisation() {
        let images = IDX.Images(count: 1, rows: 2, columns: 2, pixels: [0, 127, 128, 255])
        let binary = LabeledImages(images, labels: [3], rows: 0..<1, threshold: true)
        XCTAssertEqual(binary.images.scalars, [0, 0, 1, 1])
        XCTAssertEqual(LabeledImages(images, labels: [3], rows: 0..<1, threshold: false).images.scalars,
                       [0, Float(127) / 255, Float(128) / 255, 1])
    }
}
