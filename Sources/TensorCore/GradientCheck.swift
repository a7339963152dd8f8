/// The result of comparing reverse-mode gradients with central finite differences.
public struct GradientCheck: CustomStringConvertible {
    /// The largest |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)) over all elements;
    /// the check passes when it is at most 1.
    public let worstRatio: Float
    /// Where the worst element is: input index, element index, analytic and numeric values.
    public let worst: (input: Int, element: Int, analytic: Float, numeric: Float)

    public var passed: Bool { worstRatio <= 1 }
    public var description: String {
        "worst input \(worst.input) element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric) (ratio \(worstRatio))"
    }
}

/// Checks the gradients of the scalar `f` with respect to each of `inputs` against central
/// differences (f(x + h) − f(x − h)) / 2h, element by element.
///
/// `f` gets the inputs as variables on the tape it is given and must return one element.
public func checkGradients(
    _ inputs: [Tensor], step h: Float = 1e-2, absoluteTolerance atol: Float = 2e-3,
    relativeTolerance rtol: Float = 1e-2, _ f: (Tape, [Variable]) -> Variable
) -> GradientCheck {
    let parameters = inputs.map(Parameter.init)
    let (_, analytic) = valueAndGradient(of: parameters) { tape in f(tape, parameters.map(tape.watch)) }
    func value(_ xs: [Tensor]) -> Double {
        withoutGradient { tape in Double(f(tape, xs.map(tape.constant)).value.scalar) }
    }
    var worstRatio: Float = 0
    var worst = (input: 0, element: 0, analytic: Float(0), numeric: Float(0))
    for (i, x) in inputs.enumerated() {
        for e in 0..<x.count {
            var plus = inputs, minus = inputs
            plus[i].withUnsafeMutableBufferPointer { $0[e] += h }
            minus[i].withUnsafeMutableBufferPointer { $0[e] -= h }
            let numeric = Float((value(plus) - value(minus)) / Double(2 * h))
            let a = analytic[i].scalars[e]
            let ratio = abs(a - numeric) / (atol + rtol * max(abs(a), abs(numeric)))
            if ratio > worstRatio || ratio.isNaN {
                worstRatio = ratio.isNaN ? .infinity : ratio
                worst = (i, e, a, numeric)
            }
        }
    }
    return GradientCheck(worstRatio: worstRatio, worst: worst)
}
