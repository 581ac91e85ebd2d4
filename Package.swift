// swift-tools-version:6.0
// TwoLenses: builds a static explainer site about discriminative vs generative
// models, with figures from models it trains itself.
//
// Data flows one way through the targets:
//   Datasets → Models → Plotting → Site, run as jobs by the study-blind Engine, planned by
//   Pipeline (Project: config, planner, pages; Studies: one folder a study), driven by `lenses`.
import Foundation
import PackageDescription

/// `LENSES_FUZZ=1` adds the libFuzzer harnesses (fuzz/run) and instruments this
/// package's own targets for coverage and AddressSanitizer — never dependencies,
/// whose build plugins cannot link against libFuzzer. Ordinary builds ignore it.
let fuzzing = ProcessInfo.processInfo.environment["LENSES_FUZZ"] == "1"
let instrumented: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let package = Package(
    name: "TwoLenses",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lenses", targets: ["lenses"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
    ],
    targets: [
        // C libraries, through pkg-config.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // Markdown: cmark-gfm, the CommonMark reference implementation with GitHub's tables.
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

        // One system call Swift's Glibc module does not expose (atomic swap of two folders).
        .target(name: "CSystem"),

        // Matrices over BLAS/LAPACK, seeded random numbers, an optimiser.
        .target(name: "Numerics", dependencies: ["CBLAS"], swiftSettings: instrumented),
        // CSV reading, built-in and synthetic datasets, stratified splits.
        .target(name: "Datasets", dependencies: ["Numerics"], swiftSettings: instrumented),
        // The models of both lenses behind one protocol family.
        .target(name: "Models", dependencies: ["Numerics"], swiftSettings: instrumented),
        // Figures drawn with Cairo from plain arrays (no model types).
        .target(name: "Plotting", dependencies: ["CCairo", "CZlib", "Numerics"], swiftSettings: instrumented),
        // HTML pages from Mustache templates and Markdown content.
        .target(name: "Site", dependencies: [
            "CSystem", "CCmarkGFM",
            .product(name: "Mustache", package: "swift-mustache"),
        ], swiftSettings: instrumented),
        // The study-blind engine: typed job ids, keys, the runner, the cache. It names no study.
        .target(name: "Engine", dependencies: [
            "Numerics", "Plotting", "CSystem",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: instrumented),
        // The studies and the site build on the engine: config → data → models → figures → pages → site.
        .target(name: "Pipeline", dependencies: [
            "Engine", "Numerics", "Datasets", "Models", "Plotting", "Site", "CSystem",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: instrumented),
        // `lenses serve`: a loopback-only preview server that rebuilds on change and live-reloads.
        .target(name: "Preview", dependencies: [
            "Pipeline",
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),
        // The thin command-line interface.
        .executableTarget(name: "lenses", dependencies: [
            "Pipeline", "Preview",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Micro-benchmarks for bench/run only (render+encode, grid evaluation, single fits); not a product.
        .executableTarget(name: "lenses-bench", dependencies: ["Pipeline", "Models", "Plotting", "Datasets", "Numerics", "CZlib"]),

        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Datasets"], exclude: ["Fixtures"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CCairo", "CZlib"]),
        .testTarget(name: "SiteTests", dependencies: ["Site"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Site"], exclude: ["Fixtures"]),
        .testTarget(name: "PreviewTests", dependencies: ["Preview", "Pipeline"]),
        // Models against scikit-learn on the site's own datasets and splits.
        .testTarget(name: "ReferenceTests", dependencies: ["Models", "Datasets", "Pipeline"], exclude: ["Fixtures"]),
        // Runs the built `lenses` binary as a user would (exit codes, messages).
        .testTarget(name: "CLITests", dependencies: ["lenses"], exclude: ["Fixtures"]),
    ]
)

if fuzzing {
    // libFuzzer's entry points, shared by the harnesses.
    package.targets.append(.target(name: "FuzzDriver", swiftSettings: instrumented))
    for harness in ["fuzz-csv", "fuzz-config", "fuzz-page"] {
        package.targets.append(.executableTarget(
            name: harness, dependencies: ["FuzzDriver", "Datasets", "Site", "Pipeline"],
            swiftSettings: instrumented + [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]))
        package.products.append(.executable(name: harness, targets: [harness]))
    }
}
