import TensorCore

/// Images as the rows of a matrix, with their labels.
///
/// `images` is `[count, features]` with values in [0, 1]; `labels[i]` (in `0..<classes`) belongs
/// to row `i`.
public struct LabeledImages: Sendable, Equatable {
    public let images: Tensor
    public let labels: [Int]

    public init(images: Tensor, labels: [Int]) {
        precondition(images.rank == 2 && images.rows == labels.count,
                     "LabeledImages: images of shape \(images.shape) for \(labels.count) labels")
        self.images = images
        self.labels = labels
    }

    /// The number of images.
    public var count: Int { labels.count }
}

/// How a grey level x = b / 255 (b the stored byte) becomes the value a model sees.
public enum Binarization: String, Codable, Sendable, CaseIterable {
    /// x itself, in [0, 1].
    case none
    /// 1 if x > 0.5 else 0 (that is, b ≥ 128), fixed at load time for every split.
    case threshold
    /// Training batches are resampled each time they are drawn: x ↦ Bernoulli(x), from the
    /// epoch's random stream. Validation and test keep their grey levels.
    case dynamic
}

extension LabeledImages {
    /// Rows `range` of IDX images and their labels, as x = b / 255 (or thresholded).
    init(_ images: IDX.Images, labels: [UInt8], rows range: Range<Int>, threshold: Bool) {
        let features = images.rows * images.columns
        let table: [Float] = (0..<256).map { b in threshold ? (b >= 128 ? 1 : 0) : Float(b) / 255 }
        let matrix = images.pixels.withUnsafeBufferPointer { pixels in
            Tensor(shape: [range.count, features], unsafeUninitialized: { x in
                let first = range.lowerBound * features
                for i in 0..<x.count { x[i] = table[Int(pixels[first + i])] }
            })
        }
        self.init(images: matrix, labels: labels[range].map(Int.init))
    }

    /// x ↦ 1 with probability x, else 0, elementwise.
    func bernoulliSample(using rng: inout RandomStream) -> LabeledImages {
        let sampled = images.withUnsafeBufferPointer { x in
            Tensor(shape: images.shape, unsafeUninitialized: { y in
                for i in 0..<y.count { y[i] = rng.uniform() < x[i] ? 1 : 0 }
            })
        }
        return LabeledImages(images: sampled, labels: labels)
    }
}
