import Foundation
import Testing

/// Shared by the test targets (a library target of its own, not a product).
///
/// Gives each test of a suite its own root folder for the files it makes, and removes it when
/// the test ends, passed or failed: the suite runs thousands of times on a machine, and each
/// run used to leave its generated sets and reports behind.
public struct TemporaryFolders: SuiteTrait, TestTrait, TestScoping {
    /// The running test's root (nil outside a suite with this trait).
    @TaskLocal public static var root: String?

    public var isRecursive: Bool { true }

    public init() {}

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        let root = NSTemporaryDirectory() + "recount-tests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.$root.withValue(root) { try await function() }
    }

    /// A new folder under the running test's root, named `name` plus a unique suffix. A test
    /// outside a suite with `.temporaryFolders` records an issue (its folders would be left behind).
    public static func make(_ name: String) -> String {
        if root == nil { Issue.record("temporary folders need the suite trait .temporaryFolders") }
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let path = (root ?? NSTemporaryDirectory() + "recount-tests-unscoped") + "/" + safe + "-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension Trait where Self == TemporaryFolders {
    /// Each test's temporary folders are removed when it ends.
    public static var temporaryFolders: Self { Self() }
}
