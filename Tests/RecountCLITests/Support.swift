import Foundation
import RecountCore
import RecountTestSupport

/// Paths and helpers shared by the end-to-end tests.
enum TestSupport {
    /// The package root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static let demo = root + "/testdata/demo"

    /// A fresh folder, removed when the test ends (the suite needs `.temporaryFolders`).
    static func temporaryFolder(_ name: String = #function) -> String { TemporaryFolders.make(name) }

    /// `gzip -dc` of a file, as text.
    static func gunzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// summary.json without the lines that legitimately vary between runs (times, paths).
    static func stableSummary(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            !line.contains("\"started_at\"") && !line.contains("\"finished_at\"") && !line.contains("\"path\"")
        }.joined(separator: "\n")
    }

    static func demoArguments(out: String) -> [String] {
        [
            "audit", "--catalog", demo + "/catalog.yaml", "--usage", demo + "/usage", "--charges", demo + "/charges",
            "--subscriptions", demo + "/subscriptions.csv", "--providers", demo + "/providers.csv",
            "--max-rejects", "5", "--out", out,
        ]
    }
}
