// swift-tools-version: 6.1
// A package of its own (as swift-nio does) so the main build and CI stay lean:
//   cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "RecountBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "recount", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RecountBenchmarks",
            dependencies: [
                .product(name: "RecountCore", package: "recount"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RecountBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
