import TensorCore

/// One-hot rows for class labels: labels [batch] -> [batch, classes].
public func oneHot(_ labels: [Int], classes: Int) -> Tensor {
    var t = Tensor.zeros([labels.count, classes])
    t.withUnsafeMutableBufferPointer { y in
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "oneHot: label \(label) outside 0..<\(classes)")
            y[i * classes + label] = 1
        }
    }
    return t
}

/// A learned vector per class: labels [batch] -> [batch, dimension]. The table is a `[classes,
/// dimension]` parameter initialised from N(0, 1), as `torch.nn.Embedding`.
public final class Embedding {
    public let table: Parameter

    public init(classes: Int, dimension: Int, using rng: inout RandomStream) {
        table = Parameter(Tensor.normal([classes, dimension], using: &rng))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", table)] }
    public var parameters: [Parameter] { [table] }

    public func callAsFunction(_ labels: [Int], on tape: Tape) -> Variable {
        tape.watch(table).gatherRows(labels)
    }
}
