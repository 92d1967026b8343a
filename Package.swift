// swift-tools-version: 6.1
import PackageDescription

/// Hot kernels are compiled without bounds checks in release builds: the loops use unsafe
/// buffer pointers and wrapping index arithmetic, and checked `-O` costs 2–4× there.
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "LiPhase",
    products: [
        .executable(name: "liphase", targets: ["liphase"]),
        .library(name: "LiPhase", targets: ["LiPhase"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-openmpi", providers: [.apt(["libhdf5-openmpi-dev"])]),
        .target(name: "CSignals"),
        .target(name: "LiPhaseParallel", dependencies: ["CMPI"]),
        .target(name: "LiPhaseGrid", dependencies: ["LiPhaseParallel"], swiftSettings: kernelSettings),
        .target(name: "LiPhaseSolvers", dependencies: ["LiPhaseGrid", "LiPhaseParallel"], swiftSettings: kernelSettings),
        .target(name: "LiPhaseMaterials", dependencies: ["LiPhaseGrid", "LiPhaseParallel"], swiftSettings: kernelSettings),
        .target(name: "LiPhasePhysics", dependencies: ["LiPhaseGrid", "LiPhaseMaterials", "LiPhaseSolvers"], swiftSettings: kernelSettings),
        .target(name: "LiPhaseIO", dependencies: ["LiPhaseParallel", "LiPhaseMaterials", "CHDF5", "CMPI", "Yams"]),
        .target(name: "LiPhase", dependencies: ["LiPhaseIO", "LiPhaseMaterials", "LiPhasePhysics", "LiPhaseSolvers", "LiPhaseGrid", "LiPhaseParallel", "CSignals"]),
        .executableTarget(name: "liphase", dependencies: [
            "LiPhase", "CSignals", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "liphase-mpi-tests", dependencies: ["LiPhase", "LiPhaseMaterials", "LiPhaseSolvers", "CSignals"], path: "Tests/MPIDriver"),
        .executableTarget(name: "liphase-bench", dependencies: ["LiPhase", "LiPhaseIO", "LiPhasePhysics", "LiPhaseSolvers", "LiPhaseGrid", "LiPhaseParallel"],
                          path: "Benchmarks/Harness", swiftSettings: kernelSettings),
        .testTarget(name: "LiPhaseTests", dependencies: ["LiPhase", "LiPhaseMaterials", "CSignals"]),
    ],
    swiftLanguageModes: [.v5]
)
