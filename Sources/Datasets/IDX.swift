/// Reader for the IDX format of MNIST (raw or gzip).
///
/// Layout, all integers big-endian: a 4-byte magic `0x0000TTRR` (TT = 0x08 for unsigned bytes,
/// RR = rank), then `rank` 4-byte extents, then `∏ extents` data bytes. Images are rank 3
/// (`[count, rows, columns]`, magic `0x00000803`); labels are rank 1 (`[count]`, magic `0x00000801`).
public enum IDX {
    /// Magic number of a uint8 rank-3 file (images).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of a uint8 rank-1 file (labels).
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// Grey-level images as stored: `pixels.count == count * rows * columns`, row-major.
    public struct Images: Sendable, Equatable {
        public let count: Int
        public let rows: Int
        public let columns: Int
        public let pixels: [UInt8]
    }

    /// Reads an images file, checking its magic number and length.
    public static func readImages(at path: String) throws -> Images {
        let (extents, pixels) = try read(path, magic: imagesMagic)
        return Images(count: extents[0], rows: extents[1], columns: extents[2], pixels: pixels)
    }

    /// Reads a labels file, checking its magic number and length.
    public static func readLabels(at path: String) throws -> [UInt8] {
        try read(path, magic: labelsMagic).data
    }

    /// The extents and data bytes of the IDX content of `path`, whose magic must be `magic`.
    static func read(_ path: String, magic: UInt32) throws -> (extents: [Int], data: [UInt8]) {
        let content = try FileContent.read(path)
        let rank = Int(magic & 0xff)
        let headerSize = 4 + 4 * rank
        func word(at offset: Int) -> UInt32 {
            content[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard content.count >= 4 else {
            throw DatasetError.truncated(file: path, part: "header", expected: headerSize, found: content.count)
        }
        guard word(at: 0) == magic else {
            throw DatasetError.badMagic(file: path, expected: magic, found: word(at: 0))
        }
        guard content.count >= headerSize else {
            throw DatasetError.truncated(file: path, part: "header", expected: headerSize, found: content.count)
        }
        let extents = (0..<rank).map { Int(word(at: 4 + 4 * $0)) }
        let expected = extents.reduce(1, *), found = content.count - headerSize
        guard found >= expected else {
            throw DatasetError.truncated(file: path, part: "data", expected: expected, found: found)
        }
        guard found == expected else {
            throw DatasetError.trailingBytes(file: path, expected: expected, found: found)
        }
        return (extents, Array(content[headerSize...]))
    }
}
