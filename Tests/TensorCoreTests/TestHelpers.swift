import TensorCore
import XCTest

/// Asserts that two tensors have one shape and elements within `tolerance`.
func assertClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shapes differ", file: file, line: line)
    guard a.shape == b.shape else { return }
    for i in 0..<a.count where !(abs(a.scalars[i] - b.scalars[i]) <= tolerance) {
        XCTFail("element \(i): \(a.scalars[i]) vs \(b.scalars[i])", file: file, line: line)
        return
    }
}

/// Random matrices of random small shapes, reproducible from `seed`.
struct Shapes {
    var rng: RandomStream
    init(seed: UInt64) { rng = RandomStream(seed: seed, purpose: "test-shapes") }
    mutating func extent() -> Int { 1 + rng.int(below: 5) }
    mutating func matrix(_ m: Int, _ n: Int, low: Float = -2, high: Float = 2) -> Tensor {
        Tensor.uniform([m, n], low: low, high: high, using: &rng)
    }
}

/// Runs `checkGradients` on `trials` random shapes and fails with the worst element.
func assertGradients(_ name: String, trials: Int = 4, seed: UInt64 = 7,
                     file: StaticString = #filePath, line: UInt = #line,
                     inputs: (inout Shapes) -> [Tensor], _ f: @escaping (Tape, [Variable]) -> Variable) {
    var shapes = Shapes(seed: seed)
    for trial in 0..<trials {
        let xs = inputs(&shapes)
        // A random weighting of the output turns any shape into a scalar with a non-uniform gradient.
        let check = checkGradients(xs) { tape, vs in
            let y = f(tape, vs)
            var wr = RandomStream(seed: UInt64(trial), purpose: "weights")
            let w = Tensor.uniform(y.shape, low: 0.5, high: 1.5, using: &wr)
            return (y * tape.constant(w)).sum()
        }
        XCTAssertTrue(check.passed, "\(name), trial \(trial), shapes \(xs.map(\.shape)): \(check)", file: file, line: line)
    }
}
