import TensorCore

/// A fully connected layer with the layout of `torch.nn.Linear`: y = x·wᵀ + b.
///
/// x: [batch, in], weight: [out, in], bias: [out] -> y: [batch, out];
/// dx = dy·w, dw = dyᵀ·x, db = Σ_batch dy (`Variable.affine`).
public final class Dense: Module {
    public let weight: Parameter
    public let bias: Parameter

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]],
                     "Dense: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
    }

    public convenience init(_ inputs: Int, _ outputs: Int, initializer: Initializer = .glorotUniform(),
                            using rng: inout RandomStream) {
        self.init(weight: initializer.weight(out: outputs, in: inputs, using: &rng),
                  bias: initializer.bias(out: outputs, in: inputs, using: &rng))
    }

    public var inputs: Int { weight.shape[1] }
    public var outputs: Int { weight.shape[0] }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.affine(x, weight: x.tape.watch(weight), bias: x.tape.watch(bias))
    }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable { self(x) }
}
