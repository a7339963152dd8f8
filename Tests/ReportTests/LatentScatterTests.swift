@testable import Report
import TensorCore
import XCTest

final class LatentScatterTests: XCTestCase {
    /// 201 codes on the line from (0, 100) to (100, 0), classes 0, 1, 2 in turn.
    private func diagonal() -> (Tensor, [Int]) {
        let scalars = (0...200).flatMap { i in [Float(i) * 0.5, 100 - Float(i) * 0.5] }
        return (Tensor(shape: [201, 2], scalars: scalars), (0...200).map { $0 % 3 })
    }

    /// Each `<path>` of the document as (stroke colour, its dots' coordinates).
    private func dotPaths(_ document: String) throws -> [(String, [(Double, Double)])] {
        let path = try NSRegularExpression(pattern: "<path d=\"([^\"]*)\"[^>]* stroke=\"(#[0-9a-f]{6})\"")
        let text = document as NSString
        return path.matches(in: document, range: NSRange(location: 0, length: text.length)).map { m in
            let d = text.substring(with: m.range(at: 1))
            let dots = d.components(separatedBy: "h0").filter { !$0.isEmpty }.map { move -> (Double, Double) in
                let xy = move.dropFirst().split(separator: " ").map { Double($0)! }
                return (xy[0], xy[1])
            }
            return (text.substring(with: m.range(at: 2)), dots)
        }
    }

    func testTenthsRoundsToOneDecimal() {
        XCTAssertEqual([3.04, 3.06, -7.25, -0.04, 0, 120, 0.96, -12.5].map { n($0, decimals: 1) },
                       ["3", "3.1", "-7.3", "0", "0", "120", "1", "-12.5"])
        XCTAssertEqual(n(.nan, decimals: 1), "0")
    }

    func testDotsSitWhereTheScalePutsThemOnePathPerClass() throws {
        let (codes, labels) = diagonal()
        let document = LatentScatter(codes: codes, labels: labels, prior: nil, classNames: LatentScatter.classNames(dataset: "mnist"))
            .render().document
        XCTAssertEqual(document.components(separatedBy: "<circle").count - 1, 3, "circles only in the legend")
        let paths = try dotPaths(document)
        XCTAssertEqual(paths.map(\.0), Array(palette[0..<3]), "one path per class, in class order")
        XCTAssertEqual(paths.map(\.1.count), [67, 67, 67])
        // The plotted range by hand: the 0.5 % and 99.5 % quantiles of the 402 coordinates are
        // 0.5 and 99.5, widened by 10 % of 99 on each side: [-9.4, 109.4] on both axes; the plot
        // square spans x 70…430 and y 436…36 (screen y grows downwards).
        XCTAssertEqual(LatentScatter.range(codes.scalars.map(Double.init)).0, -9.4, accuracy: 1e-9)
        XCTAssertEqual(LatentScatter.range(codes.scalars.map(Double.init)).1, 109.4, accuracy: 1e-9)
        for (k, (_, dots)) in paths.enumerated() {
            for (j, dot) in dots.enumerated() {
                let i = 3 * j + k
                let (cx, cy) = (Double(i) * 0.5, 100 - Double(i) * 0.5)
                XCTAssertEqual(dot.0, 70 + (cx + 9.4) / 118.8 * 360, accuracy: 0.05 + 1e-9, "code \(i), x")
                XCTAssertEqual(dot.1, 436 - (cy + 9.4) / 118.8 * 400, accuracy: 0.05 + 1e-9, "code \(i), y")
            }
        }
        XCTAssertTrue(document.contains("stroke-width=\"4\" stroke-linecap=\"round\" stroke-opacity=\"0.8\""),
                      "each dot is a disc of radius 2 at 80 % opacity")
    }

    func testPriorSamplesBeyondTheAxesAreCountedNotDrawn() throws {
        let (codes, labels) = diagonal()
        let prior = Tensor(shape: [2, 2], scalars: [50, 50, 1000, 1000])
        let document = LatentScatter(codes: codes, labels: labels, prior: prior, classNames: LatentScatter.classNames(dataset: "mnist"))
            .render().document
        let paths = try dotPaths(document)
        XCTAssertEqual(paths.first?.0, "#c4c4c4", "prior samples are drawn first, under the codes")
        XCTAssertEqual(paths.first?.1.count, 1)
        XCTAssertEqual(paths.dropFirst().map(\.1.count), [67, 67, 67])
        XCTAssertTrue(document.contains(">1 point beyond</text>"))
    }

    func testAScatterOfThousandsOfCodesStaysSmall() {
        let n = 3000
        let spread = { (i: Int) in Float(10 * sin(Double(i) * 12.9898)) }
        let codes = Tensor(shape: [n, 8], scalars: (0..<(8 * n)).map(spread))
        let prior = Tensor(shape: [1000, 8], scalars: (8 * n..<(8 * n + 8000)).map(spread))
        let document = LatentScatter(codes: codes, labels: (0..<n).map { $0 % 10 }, prior: prior,
                                     classNames: LatentScatter.classNames(dataset: "mnist")).render().document
        XCTAssertLessThan(document.utf8.count, 4000 * 16 + 8000, "about 14 bytes a dot, 4,000 dots")
    }
}
