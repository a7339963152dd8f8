// swift-tools-version:6.0
import PackageDescription

/// The numerical kernels (elementwise loops, SHA-256, IDX decoding) are compiled with
/// optimisation even in debug builds: unoptimised Swift runs such loops tens of times slower,
/// which would make the training tests take minutes. Everything else stays a normal debug build.
let optimizedKernels: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "AELab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "aelab", targets: ["aelab"]),
        .executable(name: "aelab-bench", targets: ["aelab-bench"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "ResultStore", targets: ["ResultStore"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C at the edge: system libraries through pkg-config, and one tiny C file for HDF5's macros.
        .systemLibrary(name: "_CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "_CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "_CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "_CHDF5Shim", dependencies: ["_CHDF5"]),
        // Elementwise loops Swift cannot vectorise (square roots): plain C, optimised and without
        // fused multiply-adds in every configuration, one clone per x86 vector width.
        .target(name: "_CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"])]),

        // The commit the build comes from, for run files (scripts/build-info, before each build).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "BuildInfo", plugins: ["BuildInfoPlugin"]),

        .target(name: "TensorCore", dependencies: ["_CBLAS", "_CKernels"], swiftSettings: optimizedKernels),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "_CKernels"], swiftSettings: optimizedKernels),
        .target(name: "Datasets", dependencies: ["TensorCore", "_CZlib"], swiftSettings: optimizedKernels),
        .target(name: "Models", dependencies: ["NeuralNet"]),
        .target(name: "ResultStore", dependencies: ["TensorCore", "_CHDF5Shim"]),
        .target(name: "Evaluation", dependencies: ["TensorCore"], swiftSettings: optimizedKernels),
        .target(name: "Report", dependencies: ["ResultStore", "Models", "_CZlib"]),
        .target(name: "Experiments", dependencies: ["Models", "Training", "Datasets", "ResultStore", "Evaluation", "BuildInfo"]),
        .target(name: "Training", dependencies: ["Models", "Datasets"]),
        .target(name: "AELabCLI", dependencies: [
            "TensorCore", "NeuralNet", "Datasets", "Models", "Training", "Experiments", "ResultStore", "Report",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "aelab", dependencies: ["AELabCLI", "TensorCore"]),
        .executableTarget(name: "aelab-bench", dependencies: [
            "TensorCore", "NeuralNet", "Datasets", "Models", "Training", "Evaluation", "Experiments",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "ResultStoreTests", dependencies: ["ResultStore"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "ReportTests", dependencies: ["Report"]),
        .testTarget(name: "CLITests", dependencies: ["ResultStore", "TensorCore", "aelab"], exclude: ["Fixtures"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Training", "Datasets", "Report"]),
    ],
    swiftLanguageModes: [.v6]
)
