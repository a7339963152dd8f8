import Foundation

/// What Foundation's JSON decoder lets through and a spec must not have: a key written twice in
/// one object (the decoder keeps one of the values and drops the other without a word, so a
/// setting written twice is silently half-ignored) and a comma before `}` or `]` (not JSON:
/// Python's json, jq and h5py's users would reject the file).
///
/// Runs on a document the decoder accepted, so it only follows the structure: strings (with
/// their escapes), objects, arrays, and commas; scalars are skipped.
enum JSONStrictness {
    /// The first problem, with its path and its line, or nil.
    static func problem(in data: Data) -> SpecProblem? {
        let bytes = [UInt8](data)
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    private struct Container {
        var isObject: Bool
        var keys: Set<String> = []
        var index = 0            // arrays: the element being read
        var key: String?         // objects: the key whose value is being read
        var path: JSONPath
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var stack: [Container] = []
        /// Whether the next string in an object is a key (after `{` or `,`).
        var expectingKey = false

        init(bytes: [UInt8]) { self.bytes = bytes }

        func line(at offset: Int) -> Int { bytes[..<min(offset, bytes.count)].filter { $0 == UInt8(ascii: "\n") }.count + 1 }

        /// The path of the value that starts here.
        var valuePath: JSONPath {
            guard let top = stack.last else { return JSONPath() }
            return top.isObject ? top.path + (top.key ?? "") : top.path + top.index
        }

        mutating func run() -> SpecProblem? {
            while i < bytes.count {
                let c = bytes[i]
                switch c {
                case UInt8(ascii: "\""):
                    let start = i
                    let raw = readString()
                    if expectingKey, stack.last?.isObject == true {
                        let key = decodeKey(raw)
                        if stack[stack.count - 1].keys.contains(key) {
                            return SpecProblem(stack[stack.count - 1].path + key,
                                               "key written twice in one object (line \(line(at: start))); keep one")
                        }
                        stack[stack.count - 1].keys.insert(key)
                        stack[stack.count - 1].key = key
                        expectingKey = false
                    }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let path = valuePath
                    stack.append(Container(isObject: c == UInt8(ascii: "{"), path: path))
                    expectingKey = c == UInt8(ascii: "{")
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    _ = stack.popLast()
                    expectingKey = false
                case UInt8(ascii: ","):
                    var j = i + 1
                    while j < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]) { j += 1 }
                    if j < bytes.count, bytes[j] == UInt8(ascii: "}") || bytes[j] == UInt8(ascii: "]") {
                        let inside = stack.last?.path ?? JSONPath()
                        return SpecProblem(inside, "a comma before '\(Character(UnicodeScalar(bytes[j])))' (line \(line(at: i))): "
                                           + "JSON allows none after the last element; remove it")
                    }
                    if stack.last?.isObject == true { expectingKey = true } else if !stack.isEmpty { stack[stack.count - 1].index += 1 }
                default:
                    break
                }
                i += 1
            }
            return nil
        }

        /// Reads a string from its opening quote; returns its raw bytes between the quotes.
        mutating func readString() -> ArraySlice<UInt8> {
            let start = i + 1
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
            }
            defer { i += 1 }
            return bytes[start..<min(i, bytes.count)]
        }

        func decodeKey(_ raw: ArraySlice<UInt8>) -> String {
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
            let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
            return (try? JSONDecoder().decode(String.self, from: quoted)) ?? String(decoding: raw, as: UTF8.self)
        }
    }
}
