import TensorCore

/// How a weight matrix `[out, in]` is drawn at creation.
public enum Initializer: Sendable, Equatable {
    /// N(0, std²).
    case normal(std: Float)
    /// Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (in + out)).
    case glorotUniform(gain: Float = 1)
    /// He/Kaiming normal for ReLU: N(0, 2 / in).
    case heNormal
    /// PyTorch's default for `nn.Linear`: U(−1/√in, 1/√in) (weights and biases).
    case torchDefault

    /// A `[out, in]` weight matrix.
    public func weight(out: Int, in fanIn: Int, using rng: inout RandomStream) -> Tensor {
        let shape = [out, fanIn]
        switch self {
        case .normal(let std):
            return Tensor.normal(shape, std: std, using: &rng)
        case .glorotUniform(let gain):
            let a = gain * (6 / Float(fanIn + out)).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, using: &rng)
        case .heNormal:
            return Tensor.normal(shape, std: (2 / Float(fanIn)).squareRoot(), using: &rng)
        case .torchDefault:
            let a = 1 / Float(fanIn).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, using: &rng)
        }
    }

    /// A `[out]` bias vector: zeros, except U(−1/√in, 1/√in) for `torchDefault`.
    public func bias(out: Int, in fanIn: Int, using rng: inout RandomStream) -> Tensor {
        guard case .torchDefault = self else { return Tensor.zeros([out]) }
        let a = 1 / Float(fanIn).squareRoot()
        return Tensor.uniform([out], low: -a, high: a, using: &rng)
    }
}

extension Initializer {
    /// A weight tensor of any `shape` whose fan-in and fan-out are given (a convolution's
    /// `[out, in, k, k]` has fan-in in·k² and fan-out out·k², as PyTorch computes them).
    /// For a `[out, in]` shape this draws exactly as `weight(out:in:using:)`.
    public func weight(shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomStream) -> Tensor {
        let flat: Tensor
        switch self {
        case .normal(let std):
            flat = Tensor.normal(shape, std: std, using: &rng)
        case .glorotUniform(let gain):
            let a = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            flat = Tensor.uniform(shape, low: -a, high: a, using: &rng)
        case .heNormal:
            flat = Tensor.normal(shape, std: (2 / Float(fanIn)).squareRoot(), using: &rng)
        case .torchDefault:
            let a = 1 / Float(fanIn).squareRoot()
            flat = Tensor.uniform(shape, low: -a, high: a, using: &rng)
        }
        return flat
    }
}
