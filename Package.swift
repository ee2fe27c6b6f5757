// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "recount",
    products: [
        .executable(name: "recount", targets: ["recount"]),
        .library(name: "RecountCore", targets: ["RecountCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto"),
        // ISA-L's igzip (Debian: libisal-dev), behind a small C shim: its inflate state holds
        // arrays Swift would import as huge tuples.
        .target(name: "CIsal", path: "Sources/CIsal", linkerSettings: [.linkedLibrary("isal")]),
        // The CSV scanner's 64-byte compare-to-bitmask step (SSE2; a portable loop elsewhere).
        .target(name: "CByteScan", path: "Sources/CByteScan"),
        .target(
            name: "RecountCore",
            dependencies: ["CZlib", "CIsal", "CByteScan", "CLibCrypto", .product(name: "Yams", package: "Yams")],
            // Release builds drop the run-time exclusivity checks: a check per access to a class's
            // `var` cost 8% of `validate`'s CPU. Debug builds (and so the tests) keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "recount",
            dependencies: ["RecountCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // What both test targets share (temporary folders removed after each test).
        .target(name: "RecountTestSupport", path: "Tests/RecountTestSupport"),
        .testTarget(name: "RecountCoreTests", dependencies: ["RecountCore", "RecountTestSupport"]),
        .testTarget(
            name: "RecountCLITests",
            dependencies: ["recount", "RecountCore", "RecountTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
