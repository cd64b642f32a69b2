// swift-tools-version:6.0
import PackageDescription

// Targets follow the data flow: model file → model graph → trace → (render → report) → CLI.
let package = Package(
    name: "LayerLens",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LayerLens", targets: ["LayerLens"]),
        .executable(name: "layerlens", targets: ["LayerLensCLI"]),
        // The readers' fuzz entry points, for the fuzz package in Fuzz/ (scripts/fuzz).
        .library(name: "LayerLensFuzzTargets", targets: ["LayerLensFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries from Debian, each behind a module map and one shim header. HDF5 and
        // OpenBLAS are linked statically (their shim headers say why), from the default
        // search paths: their pkg-config files name only the shared libraries.
        .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // zlib's inflate, for the deflate filter of chunked HDF5 datasets.
        .systemLibrary(name: "CDeflate", providers: [.apt(["zlib1g-dev"])]),
        // glibc's mallopt, to keep large blocks in malloc's heap (prepareComputeRuntime says why).
        .systemLibrary(name: "CMalloc"),

        // HDF5 files, groups, datasets and attributes; knows nothing about Keras.
        .target(name: "HDF5", dependencies: ["FileIO", "CDeflate"]),
        // File errors, signatures, atomic writes and zip containers.
        .target(name: "FileIO", dependencies: ["CDeflate", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The common vocabulary: tensors, shapes, activations, layers, models, the model summary, and
        // the resampling that preprocessing and resizing layers share.
        .target(name: "ModelGraph", dependencies: ["FileIO"]),
        // NumPy's .npy and .npz array files.
        .target(name: "NumPyFormat", dependencies: ["ModelGraph", "FileIO"]),
        // The element-wise loops, in C, built for the machine's widest vectors (CKernels.h says why).
        .target(name: "CKernels"),
        // Every layer kind: options, weights, output shape and forward pass, over the kernels (naive + OpenBLAS).
        .target(name: "Layers", dependencies: ["ModelGraph", "COpenBLAS", "CMalloc", "CKernels"]),
        // Keras .h5 and .keras files into a ModelGraph: one reader per family of Keras layer classes.
        .target(name: "KerasFormat", dependencies: ["HDF5", "ModelGraph", "Layers", "FileIO"]),
        // One sample made ready for a model: PNG/JPEG decoding, the explicit preprocessing
        // pipeline, arrays fitted to the model's input shape.
        .target(name: "InputPipeline", dependencies: ["FileIO", "ModelGraph", "NumPyFormat", "CPNG", "CTurboJPEG"]),
        // Where inputs come from: one input file of any kind, or a whole data set streamed in
        // fixed blocks (Kaggle-style CSV, .npz/.npy pairs, folders of class sub-folders of images).
        .target(name: "DataSets", dependencies: ["FileIO", "ModelGraph", "NumPyFormat", "InputPipeline"]),
        // The tracer that records every layer's output, and predictions.
        .target(name: "Trace", dependencies: ["FileIO", "ModelGraph", "Layers", "COpenBLAS"]),
        // Cairo drawing: canvas, matplotlib colormaps, activation maps, charts.
        .target(name: "Render", dependencies: ["ModelGraph", "CCairo", "CPNG"]),
        // What traces say: layer differences (diff), logit statistics and the logits run, the
        // evaluation of a data set and its exact, mergeable statistics.
        .target(name: "Analysis", dependencies: ["ModelGraph", "InputPipeline", "Trace", "DataSets", "CKernels"]),
        // The training data's profile (`profile`) and one input's comparison with it (`doctor`):
        // input measures, layer typicality, out-of-distribution scores, the pipeline that fixes a mismatch.
        .target(name: "Diagnosis", dependencies: ["ModelGraph", "InputPipeline", "Trace", "DataSets", "Analysis", "FileIO", "COpenBLAS", "CKernels"]),
        // The drawn reports (PNG) of trace, diff and eval.
        .target(name: "Report", dependencies: ["ModelGraph", "InputPipeline", "Trace", "Analysis", "Diagnosis", "Render"]),
        // Every JSON LayerLens writes or reads: each command's --json, trace dumps' manifests, eval part files.
        .target(name: "JSONFormat", dependencies: ["FileIO", "ModelGraph", "NumPyFormat", "InputPipeline", "Trace", "Analysis", "Diagnosis"]),
        // The public API: every stage re-exported, and loading a model.
        .target(name: "LayerLens", dependencies: ["FileIO", "DataSets", "ModelGraph", "KerasFormat", "NumPyFormat", "InputPipeline", "Trace", "Analysis", "Diagnosis", "Render", "Report", "JSONFormat"]),
        // The `layerlens` command: a thin skin over the library.
        .executableTarget(name: "LayerLensCLI", dependencies: [
            "LayerLens", "Layers", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Each reader fed raw bytes: the entry points of the fuzzers (Fuzz/Package.swift) and of
        // the regression test over their crashes (Fixtures/hostile/fuzz/).
        .target(name: "LayerLensFuzzTargets", dependencies: ["LayerLens"], path: "Fuzz/Targets"),

        // libhdf5, used only by tests as the reference the Swift HDF5 reader is checked against.
        .target(name: "HDF5Oracle", dependencies: ["CHDF5", "FileIO"], path: "Tests/HDF5Oracle"),
        // Fixture paths, the golden manifest, the Keras-parity tolerance check and deflated archives made at test time.
        .target(name: "TestSupport", dependencies: ["FileIO", "ModelGraph", "NumPyFormat", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Tests/TestSupport"),
        // Release-build measurements, run by Benchmarks/trace_vs_keract.sh and eval_vs_python.sh beside TensorFlow.
        .executableTarget(name: "LayerLensBenchmarks", dependencies: ["LayerLens", "DataSets"], path: "Benchmarks/LayerLensBenchmarks"),

        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "HDF5Oracle", "FileIO", "CDeflate", "NumPyFormat", "TestSupport"]),
        .testTarget(name: "NumPyFormatTests", dependencies: ["NumPyFormat", "TestSupport"]),
        .testTarget(name: "KerasFormatTests", dependencies: ["KerasFormat", "HDF5", "Layers", "TestSupport"]),
        .testTarget(name: "InputPipelineTests", dependencies: ["InputPipeline", "TestSupport"]),
        .testTarget(name: "TraceTests", dependencies: ["LayerLens", "Layers", "CKernels", "TestSupport"]),
        .testTarget(name: "DataSetsTests", dependencies: ["DataSets", "NumPyFormat", "TestSupport"]),
        .testTarget(name: "EvalTests", dependencies: ["LayerLens", "LayerLensCLI", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["LayerLens", "TestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["LayerLens", "LayerLensCLI", "NumPyFormat", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "ModelGraph", "TestSupport"]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CCairo", "CPNG", "CTurboJPEG", "COpenBLAS"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["LayerLensFuzzTargets"]),
        .testTarget(name: "LayerLensCLITests", dependencies: ["LayerLens", "LayerLensCLI", "TestSupport"]),
        // The HTML reports in headless Chromium, driven over WebDriver (chromedriver) by a small client of its own.
        .testTarget(name: "BrowserTests", dependencies: ["LayerLens", "LayerLensCLI", "TestSupport"]),
    ]
)
