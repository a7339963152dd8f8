/// A user's mistake or a damaged file: every case names the file (or folders, or URL) and what
/// was wrong, and `description` is one line fit for the command line.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The name ends in `.gz` but the file does not start with the gzip magic bytes 1f 8b.
    case notGzip(file: String)
    /// zlib rejected the gzip stream, or it ended early.
    case corruptGzip(file: String, detail: String)
    /// The IDX magic number (`0x00000803` images, `0x00000801` labels) is not the expected one.
    case badMagic(file: String, expected: UInt32, found: UInt32)
    /// The file ends before the end of its `part` ("header" or "data").
    case truncated(file: String, part: String, expected: Int, found: Int)
    /// More bytes follow the data than the header announces.
    case trailingBytes(file: String, expected: Int, found: Int)
    /// Image dimensions other than the dataset's.
    case badDimensions(file: String, expected: [Int], found: [Int])
    /// A label at or above the dataset's number of classes.
    case labelOutOfRange(file: String, index: Int, value: Int, classes: Int)
    /// The images and labels files hold different numbers of items.
    case countMismatch(imagesFile: String, images: Int, labelsFile: String, labels: Int)
    /// The requested split does not fit in the files.
    case invalidSplit(dataset: String, reason: String)
    /// No dataset of that name is registered.
    case unknownDataset(name: String, known: [String])
    /// No folder on the search path holds all the dataset's files.
    case notFound(name: String, searched: [String], placeInto: String)
    /// Every mirror failed for one file.
    case fetchFailed(urls: [String], reason: String, placeInto: String)
    /// `curl` is needed for downloads and is not on `PATH`.
    case curlMissing(placeInto: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .notGzip(file):
            return "\(file): not a gzip file (no 1f 8b signature); rename it without .gz if it is raw IDX"
        case let .corruptGzip(file, detail):
            return "\(file): corrupt gzip: \(detail)"
        case let .badMagic(file, expected, found):
            return "\(file): bad IDX magic number: expected \(hex(expected)), found \(hex(found))"
        case let .truncated(file, part, expected, found):
            return "\(file): truncated: expected \(expected) bytes of \(part), found \(found)"
        case let .trailingBytes(file, expected, found):
            return "\(file): expected \(expected) bytes of data, found \(found) (extra bytes at the end)"
        case let .badDimensions(file, expected, found):
            return "\(file): images are \(dims(found)), expected \(dims(expected))"
        case let .labelOutOfRange(file, index, value, classes):
            return "\(file): label \(index) is \(value), expected 0..<\(classes)"
        case let .countMismatch(imagesFile, images, labelsFile, labels):
            return "\(imagesFile) has \(images) images but \(labelsFile) has \(labels) labels"
        case let .invalidSplit(dataset, reason):
            return "\(dataset): invalid split: \(reason)"
        case let .unknownDataset(name, known):
            return "unknown dataset '\(name)'; known: \(known.joined(separator: ", "))"
        case let .notFound(name, searched, placeInto):
            return "dataset '\(name)' not found; searched \(searched.joined(separator: ", ")); "
                + "run 'aelab data fetch \(name)', place the files in \(placeInto) by hand, "
                + "or set AELAB_DATA to a folder that holds \(name)/"
        case let .fetchFailed(urls, reason, placeInto):
            return "cannot download \(urls.joined(separator: " or ")) (\(reason)); "
                + "place the files in \(placeInto) by hand"
        case let .curlMissing(placeInto):
            return "downloading needs 'curl', which is not on PATH; "
                + "install it or place the files in \(placeInto) by hand"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    private func dims(_ extents: [Int]) -> String { extents.map(String.init).joined(separator: "×") }
}
