import TensorCore

/// Square images tiled into a grid: tile (r, c) shows row `layout[r][c]` of `source`, or is left
/// blank (nil). Tiles are `side`×`side`, separated by `gap` pixels of `background`, with no outer
/// border: the grid is `c·side + (c−1)·gap` pixels wide for c columns.
public struct ImageGrid: Sendable, Equatable {
    /// [n, side·side], intensities in [0, 1] (values outside are clamped).
    public var source: Tensor
    public var layout: [[Int?]]
    public var side: Int
    public var gap: Int
    public var background: UInt8

    public init(source: Tensor, layout: [[Int?]], gap: Int = 2, background: UInt8 = 255) {
        let side = Int(Double(source.columns).squareRoot().rounded())
        precondition(side * side == source.columns, "images of \(source.columns) pixels are not square")
        precondition(layout.joined().allSatisfy { $0.map { (0..<source.rows).contains($0) } ?? true },
                     "layout refers to rows outside 0..<\(source.rows)")
        self.source = source
        self.layout = layout
        self.side = side
        self.gap = gap
        self.background = background
    }

    /// The rows of `images` in reading order, `columns` to a row.
    public static func samples(_ images: Tensor, columns: Int = 10) -> ImageGrid {
        ImageGrid(source: images, layout: chunks(Array(0..<images.rows), columns))
    }

    /// Pairs of rows: `columns` originals, then their reconstructions directly below.
    public static func reconstructions(originals: Tensor, reconstructions: Tensor, columns: Int = 10) -> ImageGrid {
        precondition(originals.shape == reconstructions.shape,
                     "originals \(originals.shape) and reconstructions \(reconstructions.shape) differ")
        let n = originals.rows
        let both = Tensor(shape: [2 * n, originals.columns], scalars: originals.scalars + reconstructions.scalars)
        let layout = chunks(Array(0..<n), columns).flatMap { row in [row, row.map { $0.map { $0 + n } }] }
        return ImageGrid(source: both, layout: layout)
    }

    /// The decoded g × g latent grid (`FigureData.manifold`: row-major, the first latent coordinate
    /// varying along a row), drawn with the second coordinate increasing upwards as in the latent
    /// scatter. Tiles touch (gap 0), as the manifold is one continuous picture.
    public static func manifold(_ images: Tensor) -> ImageGrid {
        let g = Int(Double(images.rows).squareRoot().rounded())
        precondition(g * g == images.rows, "a manifold needs g·g images, got \(images.rows)")
        let layout = (0..<g).reversed().map { r in (0..<g).map { Optional(r * g + $0) } }
        return ImageGrid(source: images, layout: layout, gap: 0)
    }

    /// The byte for intensity x: round(255 · clamp(x, 0, 1)), halves away from zero; NaN is 0.
    public static func byte(_ x: Float) -> UInt8 {
        guard !x.isNaN else { return 0 }
        return UInt8((255 * min(max(Double(x), 0), 1)).rounded())
    }

    public var width: Int { grid(layout.map(\.count).max() ?? 0) }
    public var height: Int { grid(layout.count) }

    public func render() -> RasterImage {
        var pixels = [UInt8](repeating: background, count: width * height)
        source.withUnsafeBufferPointer { scalars in
            for (r, row) in layout.enumerated() {
                for (c, index) in row.enumerated() {
                    guard let index else { continue }
                    for y in 0..<side {
                        let target = (r * (side + gap) + y) * width + c * (side + gap)
                        let from = index * side * side + y * side
                        for x in 0..<side { pixels[target + x] = Self.byte(scalars[from + x]) }
                    }
                }
            }
        }
        return RasterImage(width: width, height: height, pixels: pixels)
    }

    private func grid(_ tiles: Int) -> Int { tiles == 0 ? 0 : tiles * side + (tiles - 1) * gap }

    private static func chunks(_ indices: [Int], _ columns: Int) -> [[Int?]] {
        precondition(columns > 0, "a grid needs at least one column")
        return stride(from: 0, to: indices.count, by: columns).map { start in
            (start..<(start + columns)).map { $0 < indices.count ? indices[$0] : nil }
        }
    }
}
