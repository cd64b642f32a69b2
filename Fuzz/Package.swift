// swift-tools-version:5.4
import PackageDescription

// The libFuzzer driver, a package of its own so that the root package's builds and
// `swift build` never meet a binary that only links with `-sanitize=fuzzer`. It uses
// the root package's `LayerLensFuzzTargets` (the same entry points the regression test
// over Fixtures/hostile/fuzz/ calls). Built and run by scripts/fuzz:
//   swift build --package-path Fuzz --scratch-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point
// to `<module>_main` and links `main` to it, which fails when `-parse-as-library` leaves
// no such function and libFuzzer brings its own `main`.
let package = Package(
    name: "LayerLensFuzz",
    platforms: [.macOS("13.0")],
    dependencies: [.package(name: "LayerLens", path: "..")],
    targets: [
        .target(name: "layerlens-fuzz", dependencies: [.product(name: "LayerLensFuzzTargets", package: "LayerLens")],
                path: "Driver"),
    ]
)
