import _CZlib

/// A raster image with 8 bits per channel, rows top to bottom, channels interleaved.
public struct RasterImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (greyscale) or 3 (RGB).
    public var channels: Int
    /// `height · width · channels` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int = 1, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(pixels.count) bytes for a \(width)×\(height)×\(channels) image")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// The PNG encoding (ISO/IEC 15948): signature, IHDR, one IDAT holding the zlib stream of the
/// filtered scanlines (filter type 0, "none", on every row), IEND. Each chunk is
/// length (big-endian) · type · data · CRC-32 of type and data.
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The bytes of a PNG file holding `image` (colour type 0 for greyscale, 2 for RGB; bit depth 8).
    public static func encode(_ image: RasterImage) -> [UInt8] {
        var header = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, image.channels == 1 ? 0 : 2, 0, 0, 0]   // depth, colour type, compression, filter, interlace
        return signature + chunk("IHDR", header) + chunk("IDAT", deflate(scanlines(image))) + chunk("IEND", [])
    }

    /// Each row preceded by its filter-type byte (0).
    static func scanlines(_ image: RasterImage) -> [UInt8] {
        let stride = image.width * image.channels
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * image.height)
        for row in 0..<image.height {
            out.append(0)
            out += image.pixels[(row * stride)..<((row + 1) * stride)]
        }
        return out
    }

    /// A zlib stream (RFC 1950) of `bytes` at the best compression.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = bytes.withUnsafeBufferPointer { input in
            compress2(&out, &length, input.baseAddress, uLong(bytes.count), Z_BEST_COMPRESSION)
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        return Array(out[..<Int(length)])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + typed + bigEndian(UInt32(crc))
    }

    static func bigEndian(_ x: UInt32) -> [UInt8] {
        [UInt8(x >> 24), UInt8(x >> 16 & 0xFF), UInt8(x >> 8 & 0xFF), UInt8(x & 0xFF)]
    }
}
