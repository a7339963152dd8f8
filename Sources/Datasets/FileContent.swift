import _CZlib
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The content of a data file: its bytes, or for a gzip file (first bytes 1f 8b) its decompressed
/// bytes. A file named `*.gz` must be gzip; any other name is read as it is.
enum FileContent {
    static func read(_ path: String) throws -> [UInt8] {
        let bytes = try readBytes(path)
        if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
            return try gunzip(bytes, file: path)
        }
        if path.hasSuffix(".gz") { throw DatasetError.notGzip(file: path) }
        return bytes
    }

    /// The whole file in one read.
    static func readBytes(_ path: String) throws -> [UInt8] {
        guard let handle = fopen(path, "rb") else {
            throw DatasetError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(handle) }
        var info = stat()
        guard fstat(fileno(handle), &info) == 0 else {
            throw DatasetError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(info.st_size)
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = size == 0 ? 0 : fread(buffer.baseAddress, 1, size, handle)
        }
        guard bytes.count == size else {
            throw DatasetError.unreadable(file: path, reason: "read \(bytes.count) of \(size) bytes")
        }
        return bytes
    }

    /// Inflates every member of a gzip stream (RFC 1952); zlib checks each member's CRC-32 and
    /// length. The output starts at the trailer's ISIZE (the last member's length mod 2³²) when
    /// that is plausible (deflate expands at most 1032-fold) and doubles when full.
    static func gunzip(_ input: [UInt8], file: String) throws -> [UInt8] {
        let sizeHint = input.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        let capacity = sizeHint <= 1032 * input.count ? sizeHint : 4 * input.count
        var output = [UInt8](repeating: 0, count: max(capacity, 1 << 16))
        var produced = 0
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptGzip(file: file, detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                if produced == output.count { output += repeatElement(0, count: output.count) }
                let status = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(target.count - produced)
                    defer { produced = target.count - Int(stream.avail_out) }
                    return inflate(&stream, Z_NO_FLUSH)
                }
                switch status {
                case Z_STREAM_END:
                    // Another member follows only if the gzip signature does; otherwise stop, as gzip -d does.
                    let rest = source.count - Int(stream.avail_in)
                    guard source.count - rest >= 2, source[rest] == 0x1f, source[rest + 1] == 0x8b else { return }
                    inflateReset(&stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DatasetError.corruptGzip(file: file, detail: "unexpected end of file after \(produced) bytes")
                case Z_BUF_ERROR:
                    continue
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corruptGzip(file: file, detail: detail)
                }
            }
        }
        output.removeLast(output.count - produced)
        return output
    }
}
