import TensorCore

/// One epoch over a set of images in shuffled order.
///
/// With `order = rng.permutation(n)`, batch k holds rows `order[k·size ..< min((k+1)·size, n)]`:
/// ⌈n / size⌉ batches, the last of n mod size rows when that is not zero, unless `dropLast`
/// (then ⌊n / size⌋ full batches). The order, and the stream that resamples batches under dynamic
/// binarisation, are drawn from `rng` when the epoch is made: the same stream state gives the
/// same batches, and `rng` moves on so the next epoch differs.
public struct Minibatches: Sequence, IteratorProtocol, Sendable {
    public typealias Element = (images: Tensor, labels: [Int])

    public let batchSize: Int
    public let dropLast: Bool
    private let data: LabeledImages
    private let order: [Int]
    private let resample: Bool
    private var resampler: RandomStream
    private var start = 0

    init(_ data: LabeledImages, size: Int, dropLast: Bool, resample: Bool, using rng: inout RandomStream) {
        precondition(size > 0, "Minibatches: batch size \(size)")
        self.data = data
        batchSize = size
        self.dropLast = dropLast
        self.resample = resample
        order = rng.permutation(data.count)
        resampler = rng.split("binarize")
    }

    /// The number of batches this epoch yields.
    public var batchCount: Int { dropLast ? data.count / batchSize : (data.count + batchSize - 1) / batchSize }

    public mutating func next() -> Element? {
        let end = Swift.min(start + batchSize, data.count)
        guard end > start, !(dropLast && end - start < batchSize) else { return nil }
        let rows = Array(order[start..<end])
        start = end
        let batch = LabeledImages(images: data.images.gatherRows(rows), labels: rows.map { data.labels[$0] })
        let drawn = resample ? batch.bernoulliSample(using: &resampler) : batch
        return (drawn.images, drawn.labels)
    }
}

extension LabeledImages {
    /// A shuffled epoch of batches of `size` rows (see `Minibatches`); `resample` draws each batch
    /// as Bernoulli(x) (dynamic binarisation).
    public func batches(size: Int, dropLast: Bool = false, resample: Bool = false,
                        using rng: inout RandomStream) -> Minibatches {
        Minibatches(self, size: size, dropLast: dropLast, resample: resample, using: &rng)
    }
}
