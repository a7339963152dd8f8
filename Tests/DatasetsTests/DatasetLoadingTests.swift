import XCTest
@testable import Datasets

/// Loading through the registry and search path, with small synthetic files.
final class DatasetLoadingTests: XCTestCase {
    /// Writes a complete `mnist` folder under `root` (train and test files gzip) and returns it.
    @discardableResult
    private func writeMNIST(root: String, train: Int = 12, trainLabels: Int? = nil, test: Int = 5) throws -> String {
        let folder = root + "/mnist"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let labels = { (n: Int) in (0..<n).map { UInt8($0 % 10) } }
        try write(gzipped(idxImages(count: train)), to: folder, "train-images-idx3-ubyte.gz")
        try write(gzipped(idxLabels(labels(trainLabels ?? train))), to: folder, "train-labels-idx1-ubyte.gz")
        try write(idxImages(count: test), to: folder, "t10k-images-idx3-ubyte")
        try write(idxLabels(labels(test)), to: folder, "t10k-labels-idx1-ubyte")
        return folder
    }

    func testSplitTakesValidationFromTheEndOfTheTrainingFile() throws {
        let root = try temporaryFolder(self)
        try writeMNIST(root: root)
        let options = DatasetOptions(validationSize: 3, trainLimit: 4, testLimit: 2)
        let data = try Dataset.load("mnist", options: options, searchPath: DataSearchPath(roots: [root], fetchRoot: root))
        XCTAssertEqual(data.train.images.shape, [4, 784])
        XCTAssertEqual(data.train.labels, [0, 1, 2, 3])
        XCTAssertEqual(data.validation.labels, [9, 0, 1])
        XCTAssertEqual(data.test.labels, [0, 1])
        // Pixel i of image k is (k + i) mod 256, scaled by 1/255.
        XCTAssertEqual(data.validation.images[0, 1], Float(10) / 255)
        XCTAssertEqual(data.split, DatasetSplit(
            dataset: "mnist", trainFileImages: 12, testFileImages: 5, train: 4, validation: 3, test: 2,
            binarization: .none, rule: data.split.rule))
        XCTAssertTrue(data.split.rule.contains("validation = images 9..<12 of train-images-idx3-ubyte"))
    }

    func testSplitThatDoesNotFitIsAnError() throws {
        let root = try temporaryFolder(self)
        try writeMNIST(root: root)
        let searchPath = DataSearchPath(roots: [root], fetchRoot: root)
        for options in [DatasetOptions(validationSize: 12), DatasetOptions(validationSize: 2, trainLimit: 11),
                        DatasetOptions(testLimit: 6), DatasetOptions(trainLimit: 0)] {
            assertDatasetError(naming: "mnist") { _ = try Dataset.load("mnist", options: options, searchPath: searchPath) }
        }
    }

    func testImagesAndLabelsCountsMustAgree() throws {
        let root = try temporaryFolder(self)
        let folder = try writeMNIST(root: root, train: 6, trainLabels: 5)
        let error = assertDatasetError(naming: folder + "/train-images-idx3-ubyte.gz") {
            _ = try Dataset.load("mnist", searchPath: DataSearchPath(roots: [root], fetchRoot: root))
        }
        XCTAssertEqual(error, .countMismatch(imagesFile: folder + "/train-images-idx3-ubyte.gz", images: 6,
                                             labelsFile: folder + "/train-labels-idx1-ubyte.gz", labels: 5))
    }

    func testWrongImageSizeAndLabelRange() throws {
        let root = try temporaryFolder(self)
        let folder = try writeMNIST(root: root)
        let searchPath = DataSearchPath(roots: [root], fetchRoot: root)
        try write(idx(magic: IDX.imagesMagic, extents: [5, 2, 3], data: .init(repeating: 0, count: 30)),
                  to: folder, "t10k-images-idx3-ubyte")
        XCTAssertEqual(assertDatasetError(naming: folder) { _ = try Dataset.load("mnist", searchPath: searchPath) },
                       .badDimensions(file: folder + "/t10k-images-idx3-ubyte", expected: [28, 28], found: [2, 3]))
        try write(idxImages(count: 5), to: folder, "t10k-images-idx3-ubyte")
        try write(idxLabels([0, 1, 10, 3, 4]), to: folder, "t10k-labels-idx1-ubyte")
        XCTAssertEqual(assertDatasetError(naming: folder) { _ = try Dataset.load("mnist", searchPath: searchPath) },
                       .labelOutOfRange(file: folder + "/t10k-labels-idx1-ubyte", index: 2, value: 10, classes: 10))
    }

    func testMissingDatasetNamesEveryFolderAndTheFetchCommand() throws {
        let root = try temporaryFolder(self)
        try FileManager.default.createDirectory(atPath: root + "/b/mnist", withIntermediateDirectories: true)
        try write(idxLabels([1]), to: root + "/b/mnist", "train-labels-idx1-ubyte")
        let searchPath = DataSearchPath(roots: [root + "/a", root + "/b"], fetchRoot: root + "/cache")
        let error = assertDatasetError(naming: root + "/a/mnist") { _ = try Dataset.load("mnist", searchPath: searchPath) }
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains(root + "/b/mnist"), text)
        XCTAssertTrue(text.contains("run 'aelab data fetch mnist'"), text)
        XCTAssertTrue(text.contains(root + "/cache/mnist by hand"), text)
        XCTAssertTrue(text.hasSuffix("or set AELAB_DATA to a folder that holds mnist/"), text)
        XCTAssertEqual(searchPath.bestLocation(of: .mnist)?.folder, root + "/b/mnist")
        XCTAssertEqual(searchPath.bestLocation(of: .mnist)?.missing, [.trainImages, .testImages, .testLabels])
    }

    func testUnknownDatasetListsKnownOnes() {
        XCTAssertEqual("\(DatasetError.unknownDataset(name: "cifar", known: ["mnist", "fashion-mnist"]))",
                       "unknown dataset 'cifar'; known: mnist, fashion-mnist")
        XCTAssertThrowsError(try DatasetInfo.named("cifar"))
    }

    func testStandardSearchPathOrder() {
        let standard = DataSearchPath.standard(environment: ["AELAB_DATA": "/x:rel", "HOME": "/home/u"],
                                               currentDirectory: "/work")
        XCTAssertEqual(standard.roots, ["/x", "/work/rel", "/work/data", "/home/u/.cache/aelab", "/usr/share/datasets"])
        XCTAssertEqual(standard.fetchFolder(for: "mnist"), "/home/u/.cache/aelab/mnist")
        let xdg = DataSearchPath.standard(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/home/u"], currentDirectory: "/w")
        XCTAssertEqual(xdg.roots, ["/w/data", "/c/aelab", "/usr/share/datasets"])
    }

    func testVerifyReportsEachFile() throws {
        let root = try temporaryFolder(self)
        let folder = try writeMNIST(root: root)
        try FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte")
        let report = try Dataset.verify("mnist", searchPath: DataSearchPath(roots: [root], fetchRoot: root))
        XCTAssertEqual(report.folder, folder)
        XCTAssertEqual(report.files.map(\.label), ["MISMATCH", "MISMATCH", "MISMATCH", "MISSING"])
        XCTAssertFalse(report.isOK)
    }
}
