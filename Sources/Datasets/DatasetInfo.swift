/// A registered dataset: its four IDX files with the SHA-256 of their uncompressed content,
/// its image size and classes, and the mirrors it can be downloaded from.
public struct DatasetInfo: Sendable, Equatable {
    /// The name used in specs, on the command line and as the folder name on the search path.
    public let name: String
    public let title: String
    public let imageRows: Int
    public let imageColumns: Int
    /// Labels lie in `0..<classes`.
    public let classes: Int
    public let files: [DatasetFile]
    /// Base URLs tried in order; a file's URL is the base followed by its `.gz` name.
    public let mirrors: [String]
    /// The images in the training file and in the test file (fixed by the files' checksums), so
    /// that a spec's split is checked before anything is read or written.
    public var trainImageCount = 60_000
    public var testImageCount = 10_000

    /// Features per image: `imageRows * imageColumns`.
    public var features: Int { imageRows * imageColumns }

    /// The file playing `role`.
    public func file(_ role: DatasetFile.Role) -> DatasetFile {
        files.first { $0.role == role }!
    }
}

/// One IDX file of a dataset, found on disk as `name` (raw) or `name.gz`.
public struct DatasetFile: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case trainImages, trainLabels, testImages, testLabels
    }

    public let role: Role
    /// The uncompressed file name, e.g. `train-images-idx3-ubyte`.
    public let name: String
    /// SHA-256 (lowercase hex) of the uncompressed IDX content, whichever container holds it.
    public let sha256: String

    /// The names accepted on disk, raw first.
    public var acceptedNames: [String] { [name, name + ".gz"] }
}

extension DatasetInfo {
    /// MNIST (LeCun, Cortes, Burges), CC BY-SA 3.0. Sums from /work/shared/datasets/mnist/README.md,
    /// whose content MD5s are the published ones.
    public static let mnist = DatasetInfo(
        name: "mnist", title: "MNIST handwritten digits", imageRows: 28, imageColumns: 28, classes: 10,
        files: standardFiles(
            trainImages: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            trainLabels: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            testImages: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            testLabels: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        trainImageCount: 60_000, testImageCount: 10_000)

    /// Fashion-MNIST (Xiao, Rasul, Vollgraf; Zalando Research), MIT licence. Sums computed from the
    /// files of Debian's `dataset-fashion-mnist` 0.0~git20200523.55506a9-1 (/usr/share/datasets/fashion-mnist).
    /// Debian recompressed the `.gz` containers, so their MD5s differ from the publisher's
    /// (8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…); the MD5s of the uncompressed content
    /// (f4a8712d7a061bf5bd6d2ca38dc4d50a, 9018921c3c673c538a1fc5bad174d6f9, 8181f5470baa50b63fa0f6fddb340f0a,
    /// 15d484375f8d13e6eb1aabb0c3f46965) match the raw-file MD5s published by loaders built on the
    /// canonical archives, so the content is the canonical one.
    public static let fashionMNIST = DatasetInfo(
        name: "fashion-mnist", title: "Fashion-MNIST (Zalando article images)", imageRows: 28, imageColumns: 28,
        classes: 10,
        files: standardFiles(
            trainImages: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            trainLabels: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            testImages: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            testLabels: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        trainImageCount: 60_000, testImageCount: 10_000)

    /// Every registered dataset, in the order `aelab data list` shows them.
    public static let registered: [DatasetInfo] = [.mnist, .fashionMNIST]

    /// The registered dataset called `name`.
    public static func named(_ name: String) throws -> DatasetInfo {
        guard let info = registered.first(where: { $0.name == name }) else {
            throw DatasetError.unknownDataset(name: name, known: registered.map(\.name))
        }
        return info
    }

    /// The four MNIST-layout files with their content sums.
    private static func standardFiles(trainImages: String, trainLabels: String,
                                      testImages: String, testLabels: String) -> [DatasetFile] {
        [DatasetFile(role: .trainImages, name: "train-images-idx3-ubyte", sha256: trainImages),
         DatasetFile(role: .trainLabels, name: "train-labels-idx1-ubyte", sha256: trainLabels),
         DatasetFile(role: .testImages, name: "t10k-images-idx3-ubyte", sha256: testImages),
         DatasetFile(role: .testLabels, name: "t10k-labels-idx1-ubyte", sha256: testLabels)]
    }
}
