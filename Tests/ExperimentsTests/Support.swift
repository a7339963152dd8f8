@testable import Experiments
import Foundation
import XCTest

/// The repository's `experiments/` folder.
let experimentsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("experiments")

/// Parses `json` as the file `x.json`.
func spec(_ json: String, overrides: [String] = []) throws -> Spec {
    try Spec.parse(json, file: "x.json", overrides: overrides)
}

/// Asserts that reading `json` (with `overrides`) throws a one-line `SpecError` that names the
/// file `x.json`, the JSON path `path` and contains `fragment`; returns the message.
@discardableResult
func assertSpecError(_ json: String, overrides: [String] = [], path: String, _ fragment: String,
                     file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        let loaded = try Spec.parse(json, file: "x.json", overrides: overrides)
        XCTFail("expected an error at \(path), got a spec with \(loaded.runs().count) runs", file: file, line: line)
        return ""
    } catch {
        let text = error.description
        XCTAssertEqual(error.path, path, text, file: file, line: line)
        XCTAssertTrue(text.hasPrefix("x.json: "), text, file: file, line: line)
        XCTAssertTrue(path.isEmpty || text.contains(path), "path \(path) missing: \(text)", file: file, line: line)
        XCTAssertTrue(text.contains(fragment), "'\(fragment)' missing: \(text)", file: file, line: line)
        XCTAssertFalse(text.contains("\n"), "more than one line: \(text)", file: file, line: line)
        return text
    }
}

/// `{"name": "x", "models": ["ae"], …}` with `body` added inside the braces.
func minimal(_ body: String = "") -> String {
    "{\"name\": \"x\", \"models\": [\"ae\"]\(body.isEmpty ? "" : ", " + body)}"
}
