import TensorCore
import XCTest

final class TapeTests: XCTestCase {
    func testParameterUsedTwiceAccumulatesAndUnusedGetsZero() {
        let w = Parameter(Tensor(shape: [2], scalars: [1, 2]))
        let unused = Parameter(Tensor(shape: [3], scalars: [1, 1, 1]))
        // f = Σ w² + Σ 3w -> df/dw = 2w + 3
        let (value, grads) = valueAndGradient(of: [w, unused]) { tape in
            let v = tape.watch(w)
            return (v * v).sum() + (v * 3).sum()
        }
        XCTAssertEqual(value, 1 + 4 + 9)
        XCTAssertEqual(grads[0].scalars, [5, 7])
        XCTAssertEqual(grads[1].scalars, [0, 0, 0])
    }

    func testParametersOutsideTheTrainableSetAreConstants() {
        let trained = Parameter(Tensor(shape: [1], scalars: [2]))
        let frozen = Parameter(Tensor(shape: [1], scalars: [5]))
        var frozenTracked = true
        let (_, grads) = valueAndGradient(of: [trained]) { tape in
            let f = tape.watch(frozen)
            frozenTracked = f.isTracked
            return (tape.watch(trained) * f).sum()
        }
        XCTAssertFalse(frozenTracked)
        XCTAssertEqual(grads[0].scalars, [5])
    }

    func testInferenceRecordsNothing() {
        let w = Parameter(Tensor(shape: [1], scalars: [2]))
        let tracked = withoutGradient { tape in (tape.watch(w) * 2).isTracked }
        XCTAssertFalse(tracked)
    }
}

final class GradientCheckTests: XCTestCase {
    /// The checker itself must be able to fail: an operation whose backward is off by a factor.
    func testCheckerCatchesAWrongGradient() {
        let x = Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 0.25])
        let check = checkGradients([x]) { tape, v in
            let wrong = tape.record(v[0].value.squared(), inputs: [v[0]]) { dy, g in
                g.accumulate(v[0], dy * v[0].value * 2.2)  // should be 2
            }
            return wrong.sum()
        }
        XCTAssertFalse(check.passed, "\(check)")
        XCTAssertEqual(check.worst.input, 0)
    }
}
