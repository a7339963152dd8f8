import NeuralNet
import TensorCore

/// A multilayer perceptron: Linear → [BatchNorm] → activation → [Dropout] for each hidden layer,
/// then a final Linear with no activation (callers add the output's own).
///
/// sizes [784, 1200, 1200, 8] gives 784-1200-1200-8: two hidden layers, 8 outputs.
public final class MLP: Layer {
    public let sizes: [Int]
    public let activation: Activation
    public let dropout: Dropout
    public let linears: [Linear]
    public let norms: [BatchNorm1d]

    public init(sizes: [Int], activation: Activation = .relu, dropout: Float = 0, batchNorm: Bool = false,
                initializer: Initializer = .glorotUniform(), using rng: inout RandomStream) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP: sizes \(sizes) need at least an input and an output")
        self.sizes = sizes
        self.activation = activation
        self.dropout = Dropout(rate: dropout)
        linears = zip(sizes, sizes.dropFirst()).map { Linear($0, $1, initializer: initializer, using: &rng) }
        norms = batchNorm ? sizes.dropFirst().dropLast().map { BatchNorm1d(features: $0) } : []
    }

    public var inputs: Int { sizes[0] }
    public var outputs: Int { sizes[sizes.count - 1] }

    /// Names as in the run file: `layer0.weight`, `layer0.bias`, …, `norm0.weight`, ….
    public var namedParameters: [(name: String, parameter: Parameter)] {
        linears.enumerated().flatMap { i, l in l.namedParameters.map { ("layer\(i).\($0.name)", $0.parameter) } }
            + norms.enumerated().flatMap { i, n in n.namedParameters.map { ("norm\(i).\($0.name)", $0.parameter) } }
    }

    /// x: [batch, sizes.first] -> [batch, sizes.last]
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        var h = x
        for (i, linear) in linears.enumerated() {
            h = linear(h)
            guard i < linears.count - 1 else { break }
            if !norms.isEmpty { h = norms[i](h, context) }
            h = activation(h)
            h = dropout(h, &context)
        }
        return h
    }
}
