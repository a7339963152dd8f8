@testable import Experiments
import Foundation
import TensorCore
import XCTest

/// The check for what Foundation's decoder lets through (keys written twice, trailing commas)
/// must not flag valid JSON, whatever its nesting, strings and numbers.
final class JSONStrictnessTests: XCTestCase {
    /// Strings with the characters that matter to a scanner: quotes, backslashes, braces, commas.
    static let pieces = ["a", "b", ",", "}", "]", "{", "[", "\"", "\\", ":", " ", "é", "\u{1F600}", "\n", "key"]

    func randomValue(_ g: inout RandomStream, depth: Int) -> Any {
        switch depth > 3 ? g.int(below: 3) : g.int(below: 5) {
        case 0: return (0..<g.int(below: 4)).map { _ in Self.pieces[g.int(below: Self.pieces.count)] }.joined()
        case 1: return Double(g.int(below: 2001) - 1000) / 8
        case 2: return g.int(below: 2) == 0
        case 3: return (0..<g.int(below: 4)).map { _ in randomValue(&g, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for _ in 0..<g.int(below: 4) { object[randomKey(&g)] = randomValue(&g, depth: depth + 1) }
            return object
        }
    }

    func randomKey(_ g: inout RandomStream) -> String {
        (0..<(1 + g.int(below: 3))).map { _ in Self.pieces[g.int(below: Self.pieces.count)] }.joined()
    }

    func testValidDocumentsPass() throws {
        var g = RandomStream(seed: 7, purpose: "json")
        for _ in 0..<300 {
            let object = ["root": randomValue(&g, depth: 0), randomKey(&g): randomValue(&g, depth: 1)]
            for options in [JSONSerialization.WritingOptions(), .prettyPrinted] {
                let data = try JSONSerialization.data(withJSONObject: object, options: options)
                XCTAssertNil(JSONStrictness.problem(in: data), String(decoding: data, as: UTF8.self))
            }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: experimentsFolder.path) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: experimentsFolder.appendingPathComponent(name))
            XCTAssertNil(JSONStrictness.problem(in: data), name)
        }
    }

    /// The same random documents with one mistake put in: a key of the root object written again
    /// at its end, or a comma before its closing brace. Each is found, where it was put.
    func testMistakesPutIntoValidDocumentsAreFound() throws {
        var g = RandomStream(seed: 11, purpose: "json")
        for _ in 0..<200 {
            let object = ["root": randomValue(&g, depth: 0), randomKey(&g): randomValue(&g, depth: 1)]
            for options in [JSONSerialization.WritingOptions(), .prettyPrinted] {
                var text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: options), as: UTF8.self)
                let close = text.index(before: text.endIndex)
                XCTAssertEqual(text[close], "}")
                let twice = String(text[..<close]) + ", \"root\": 1}"
                XCTAssertEqual(JSONStrictness.problem(in: Data(twice.utf8))?.path.description, "root", twice)
                text.insert(",", at: close)
                let problem = JSONStrictness.problem(in: Data(text.utf8))
                XCTAssertEqual(problem?.path.description, "", text)
                XCTAssertTrue(problem?.message.hasPrefix("a comma before '}'") ?? false, text)
            }
        }
        // Top-level arrays and scalars.
        XCTAssertNil(JSONStrictness.problem(in: Data("[1, {\"a\": [2]}, \"x\"]".utf8)))
        XCTAssertNil(JSONStrictness.problem(in: Data("3".utf8)))
        XCTAssertEqual(JSONStrictness.problem(in: Data("[1, [2, {\"a\": 1, \"a\": 2}]]".utf8))?.path.description, "[1][1].a")
        XCTAssertEqual(JSONStrictness.problem(in: Data("[[], {},]".utf8))?.message.hasPrefix("a comma before ']'"), true)
    }

    /// A key written twice is found at any depth, also when the two spellings differ only in
    /// their escapes; the path points at it.
    func testDuplicatesAreFoundWherever() {
        func problem(_ text: String) -> String? { JSONStrictness.problem(in: Data(text.utf8)).map { "\($0.path): \($0.message)" } }
        XCTAssertEqual(problem(#"{"a": [{"x": 1}, {"y": {"z": 1, "w": [1, 2], "z": 2}}]}"#),
                       "a[1].y.z: key written twice in one object (line 1); keep one")
        XCTAssertEqual(problem(#"{"a": 1, "\u0061": 2}"#), "a: key written twice in one object (line 1); keep one")
        XCTAssertEqual(problem("{\"a\": [1,\n 2 ,\n ]}"), "a: a comma before ']' (line 2): JSON allows none after the last element; remove it")
        XCTAssertNil(problem(#"{"a": {"k": 1}, "b": {"k": 1}, "c": ["k", "k"]}"#))
    }
}
