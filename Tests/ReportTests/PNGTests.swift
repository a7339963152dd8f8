@testable import Report
import TensorCore
import XCTest

final class PNGTests: XCTestCase {
    /// CRC-32 (ISO 3309, as PNG uses), bit by bit: independent of zlib's table-driven one.
    func referenceCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8], crc: UInt32)] {
        var out: [(String, [UInt8], UInt32)] = [], i = 8
        func u32(_ at: Int) -> UInt32 { png[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        while i + 12 <= png.count {
            let length = Int(u32(i))
            out.append((String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self), Array(png[(i + 8)..<(i + 8 + length)]), u32(i + 8 + length)))
            i += 12 + length
        }
        XCTAssertEqual(i, png.count, "chunks must end exactly at the end of the file")
        return out
    }

    func testGreyscaleFileHasSignatureHeaderAndValidCRCs() {
        let image = RasterImage(width: 3, height: 2, pixels: [0, 128, 255, 1, 2, 3])
        let png = PNG.encode(image)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let parts = chunks(png)
        XCTAssertEqual(parts.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(parts[0].data, [0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0])
        for part in parts { XCTAssertEqual(part.crc, referenceCRC(Array(part.type.utf8) + part.data), part.type) }
        XCTAssertEqual(Array(parts[1].data.prefix(1)), [0x78], "a zlib stream starts with CMF 0x78 (deflate, 32 KiB window)")
    }

    func testRGBHeaderAndScanlines() {
        let image = RasterImage(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(chunks(PNG.encode(image))[0].data[9], 2, "colour type 2 is RGB")
        XCTAssertEqual(PNG.scanlines(image), [0, 1, 2, 3, 4, 5, 6])
    }

    func testIntensityBytesRoundAndClamp() {
        XCTAssertEqual([-1, 0, 0.2, 0.5, 0.999, 1, 7, .nan].map { ImageGrid.byte($0) }, [0, 0, 51, 128, 255, 255, 255, 0])
    }

    func testSampleGridPlacesTilesAndLeavesBlanks() {
        let images = Tensor(shape: [12, 4], scalars: (0..<48).map { Float($0) / 47 })   // 2 × 2 images
        let grid = ImageGrid(source: images, layout: [[0, 1, 2], [11, nil, nil]], gap: 1, background: 9)
        let r = grid.render()
        XCTAssertEqual([r.width, r.height], [3 * 2 + 2, 2 * 2 + 1])
        XCTAssertEqual(r.pixels[0], ImageGrid.byte(images[0, 0]))
        XCTAssertEqual(r.pixels[3], ImageGrid.byte(images[1, 0]), "tile 1 starts after 2 pixels and a 1-pixel gap")
        XCTAssertEqual(r.pixels[2], 9, "the gap is background")
        XCTAssertEqual(r.pixels[3 * 8 + 1], ImageGrid.byte(images[11, 1]))
        XCTAssertEqual(r.pixels[4 * 8 + 7], 9, "blank tiles are background")
        XCTAssertEqual(ImageGrid.samples(images, columns: 5).layout.last, [10, 11, nil, nil, nil])
    }

    func testReconstructionsSitBelowTheirOriginals() {
        let o = Tensor(shape: [3, 4], scalars: Array(repeating: 0, count: 12))
        let grid = ImageGrid.reconstructions(originals: o, reconstructions: o, columns: 2)
        XCTAssertEqual(grid.layout, [[0, 1], [3, 4], [2, nil], [5, nil]])
    }

    func testManifoldPutsTheFirstCodeBottomLeft() {
        let m = Tensor(shape: [9, 4], scalars: Array(repeating: 0, count: 36))
        let grid = ImageGrid.manifold(m)
        XCTAssertEqual(grid.layout, [[6, 7, 8], [3, 4, 5], [0, 1, 2]])
        XCTAssertEqual(grid.gap, 0)
    }
}
