import TensorCore

/// Which images of the IDX files are used, and how.
public struct DatasetOptions: Sendable, Equatable {
    /// Images held out from the END of the training file for validation (σ of the Parzen window,
    /// early checks): the last `validationSize` images, never trained on. Default 1,000.
    public var validationSize: Int
    /// Train on only the first `trainLimit` images of the training file; nil: every image before
    /// the validation slice. The validation slice stays the last images of the file either way.
    public var trainLimit: Int?
    /// Use only the first `testLimit` images of the test file; nil: all.
    public var testLimit: Int?
    public var binarization: Binarization

    public init(validationSize: Int = 1000, trainLimit: Int? = nil, testLimit: Int? = nil,
                binarization: Binarization = .none) {
        self.validationSize = validationSize
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.binarization = binarization
    }
}

/// The split in force, as stored with a run: with N images in the training file and v = validation,
/// train is images 0..<train, validation is images N−v..<N of that file, test is images 0..<test
/// of the test file. `train + validation ≤ N`, so the two never overlap.
public struct DatasetSplit: Codable, Sendable, Equatable {
    public let dataset: String
    public let trainFileImages: Int
    public let testFileImages: Int
    public let train: Int
    public let validation: Int
    public let test: Int
    public let binarization: Binarization
    /// The rule in words, for readers of the run file.
    public let rule: String
}

/// A dataset loaded into memory: train, validation and test images as `[n, features]` Float32
/// matrices with values in [0, 1], their labels, and the split that produced them.
public struct Dataset: Sendable {
    public let info: DatasetInfo
    /// The folder the files were read from.
    public let folder: String
    public let train: LabeledImages
    public let validation: LabeledImages
    public let test: LabeledImages
    public let split: DatasetSplit

    /// Loads the registered dataset `name` from the first complete folder on `searchPath`.
    public static func load(_ name: String, options: DatasetOptions = DatasetOptions(),
                            searchPath: DataSearchPath = .standard()) throws -> Dataset {
        let info = try DatasetInfo.named(name)
        return try load(info, from: searchPath.locate(info), options: options)
    }

    /// Loads `info` from the files at `location`, checking each file and the split.
    public static func load(_ info: DatasetInfo, from location: DatasetLocation,
                            options: DatasetOptions = DatasetOptions()) throws -> Dataset {
        let trainFile = try LabeledFile(info, location, images: .trainImages, labels: .trainLabels)
        let testFile = try LabeledFile(info, location, images: .testImages, labels: .testLabels)
        let split = try makeSplit(info, trainFile: trainFile.count, testFile: testFile.count, options: options)
        let threshold = options.binarization == .threshold
        let n = split.trainFileImages
        return Dataset(
            info: info, folder: location.folder,
            train: trainFile.rows(0..<split.train, threshold: threshold),
            validation: trainFile.rows((n - split.validation)..<n, threshold: threshold),
            test: testFile.rows(0..<split.test, threshold: threshold),
            split: split)
    }

    /// Shuffled training batches (see `Minibatches`), resampled under dynamic binarisation.
    public func trainingBatches(size: Int, dropLast: Bool = false, using rng: inout RandomStream) -> Minibatches {
        train.batches(size: size, dropLast: dropLast, resample: split.binarization == .dynamic, using: &rng)
    }

    private static func makeSplit(_ info: DatasetInfo, trainFile n: Int, testFile m: Int,
                                  options: DatasetOptions) throws -> DatasetSplit {
        let v = options.validationSize
        func fail(_ reason: String) -> DatasetError { .invalidSplit(dataset: info.name, reason: reason) }
        guard v >= 0, v < n else {
            throw fail("validation size \(v) must lie in 0..<\(n), the images of the training file")
        }
        let train = options.trainLimit ?? n - v
        guard train >= 1, train <= n - v else {
            throw fail("train limit \(train) must lie in 1...\(n - v) (training file \(n) images, validation \(v))")
        }
        let test = options.testLimit ?? m
        guard test >= 1, test <= m else {
            throw fail("test limit \(test) must lie in 1...\(m), the images of the test file")
        }
        let trainName = info.file(.trainImages).name, testName = info.file(.testImages).name
        let rule = "train = images 0..<\(train) of \(trainName); validation = images \(n - v)..<\(n) of \(trainName) "
            + "(the last \(v), never trained on); test = images 0..<\(test) of \(testName)"
        return DatasetSplit(dataset: info.name, trainFileImages: n, testFileImages: m, train: train,
                            validation: v, test: test, binarization: options.binarization, rule: rule)
    }
}

/// An images file and its labels file, checked against each other and against the dataset.
private struct LabeledFile {
    let images: IDX.Images
    let labels: [UInt8]
    var count: Int { images.count }

    init(_ info: DatasetInfo, _ location: DatasetLocation, images imagesRole: DatasetFile.Role,
         labels labelsRole: DatasetFile.Role) throws {
        let imagesPath = location.paths[imagesRole] ?? location.folder + "/" + info.file(imagesRole).name
        let labelsPath = location.paths[labelsRole] ?? location.folder + "/" + info.file(labelsRole).name
        images = try IDX.readImages(at: imagesPath)
        labels = try IDX.readLabels(at: labelsPath)
        guard [images.rows, images.columns] == [info.imageRows, info.imageColumns] else {
            throw DatasetError.badDimensions(file: imagesPath, expected: [info.imageRows, info.imageColumns],
                                             found: [images.rows, images.columns])
        }
        guard images.count == labels.count else {
            throw DatasetError.countMismatch(imagesFile: imagesPath, images: images.count,
                                             labelsFile: labelsPath, labels: labels.count)
        }
        if let index = labels.firstIndex(where: { Int($0) >= info.classes }) {
            throw DatasetError.labelOutOfRange(file: labelsPath, index: index, value: Int(labels[index]),
                                               classes: info.classes)
        }
    }

    func rows(_ range: Range<Int>, threshold: Bool) -> LabeledImages {
        LabeledImages(images, labels: labels, rows: range, threshold: threshold)
    }
}
