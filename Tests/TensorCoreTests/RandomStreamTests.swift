import TensorCore
import XCTest

final class RandomStreamTests: XCTestCase {
    func testSameSeedAndPurposeRepeatAndOthersDiffer() {
        var a = RandomStream(seed: 1, purpose: "init"), b = RandomStream(seed: 1, purpose: "init")
        var c = RandomStream(seed: 1, purpose: "shuffle"), d = RandomStream(seed: 2, purpose: "init")
        let xs = (0..<8).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<8).map { _ in c.next() })
        XCTAssertNotEqual(xs, (0..<8).map { _ in d.next() })
    }

    func testRestoringStateContinuesTheStream() {
        var a = RandomStream(seed: 9, purpose: "dropout")
        _ = (0..<5).map { _ in a.uniform() }
        var b = RandomStream(state: a.state)
        XCTAssertEqual((0..<10).map { _ in a.normal() }, (0..<10).map { _ in b.normal() })
    }

    func testDistributionsHaveTheirMoments() {
        var rng = RandomStream(seed: 4, purpose: "moments")
        let n = 200_000
        let u = Tensor.uniform([n], low: -1, high: 3, using: &rng)
        XCTAssertEqual(u.mean(), 1, accuracy: 0.01)
        XCTAssertGreaterThanOrEqual(u.scalars.min()!, -1)
        XCTAssertLessThan(u.scalars.max()!, 3)
        let z = Tensor.normal([n], mean: 2, std: 3, using: &rng)
        XCTAssertEqual(z.mean(), 2, accuracy: 0.03)
        XCTAssertEqual(((z - 2).squared()).mean().squareRoot(), 3, accuracy: 0.03)
        let b = Tensor.bernoulli([n], probability: 0.3, using: &rng)
        XCTAssertEqual(b.mean(), 0.3, accuracy: 0.005)
        XCTAssertTrue(b.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    }

    func testPermutationIsAPermutationAndIntBelowIsInRange() {
        var rng = RandomStream(seed: 5, purpose: "perm")
        let p = rng.permutation(1000)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertNotEqual(p, Array(0..<1000))
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.int(below: 7)] += 1 }
        XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
    }
}
