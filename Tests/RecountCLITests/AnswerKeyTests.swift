import Foundation
import RecountTestSupport
import Testing

/// End to end: `recount generate` a few hundred thousand rows, `recount audit` them with the
/// command README.txt gives, and compare findings.csv.gz with answer-key.csv — every planted
/// error found with its rule and amounts, nothing else, and equal refund totals.
///
/// Runs the built binary (`.build/debug/recount`, i.e. `swift build` first; `swift test` builds it).
@Suite(.serialized, .temporaryFolders) struct AnswerKeyTests {
    static let binary = TestSupport.root + "/.build/debug/recount"

    /// Runs the binary in `folder` (else this process's folder); returns its exit status and stderr.
    @discardableResult
    static func recount(_ arguments: [String], in folder: String? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// `kind,record_id,rule,overcharge,refund` of every answer-key row / finding, sorted.
    static func keyRows(_ text: String, columns: [String]) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let indexes = columns.map { header.firstIndex(of: $0)! }
        return lines.dropFirst().map { line in
            // Only `detail` (last, in findings) may be quoted; the compared columns precede it.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return indexes.map { fields[$0] }.joined(separator: ",")
        }.sorted()
    }

    static func refundTotal(_ rows: [String]) -> Int64 {
        rows.reduce(0) { total, row in
            let refund = row.split(separator: ",", omittingEmptySubsequences: false).last!
            let parts = refund.split(separator: ".")
            return total + Int64(parts[0])! * 1000 + (parts.count > 1 ? Int64(parts[1])! : 0)
        }
    }

    /// Seed 2026 with record ids that share a long prefix, as real ids do (`--id-prefix`); seed 7
    /// with UUID ids (`--id-format uuid`); seed 9 with uppercase UUIDs after a prefix, which the
    /// duplicate index packs as a token inside the text.
    @Test(arguments: [
        (UInt64(1), "", "numbered"), (42, "", "numbered"), (2026, "CDR-2026-10-SW07-", "numbered"), (7, "", "uuid"),
        (9, "CDR-", "uuid-upper"),
    ])
    func auditFindsExactlyTheAnswerKey(seed: UInt64, idPrefix: String, idFormat: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: swift build")
        // Generated with a relative --out, audited from another folder: README.txt's command
        // names the set by absolute paths, so it runs as written from anywhere.
        let base = TestSupport.temporaryFolder("answerkey\(seed)")
        let folder = base + "/set"
        let generated = try Self.recount(
            [
                "generate", "--out", "set", "--usage-rows", "200000", "--accounts", "5000", "--charges", "20000",
                "--files", "3", "--seed", String(seed), "--error-rate", "0.01",
            ] + (idPrefix.isEmpty ? [] : ["--id-prefix", idPrefix]) + ["--id-format", idFormat], in: base)
        try #require(generated.status == 0, "generate failed: \(generated.stderr)")

        // The exact command README.txt gives, run from the set's own folder.
        let readme = try TestSupport.read(folder + "/README.txt")
        let command = try #require(readme.split(separator: "\n").first { $0.contains("recount audit ") })
        #expect(command.contains("--catalog \(URL(fileURLWithPath: folder).standardizedFileURL.path)/catalog.yaml "))
        let arguments = command.split(separator: " ").dropFirst().map(String.init)  // drop "recount"
        let audited = try Self.recount(arguments, in: folder)
        try #require(audited.status == 0, "audit failed: \(audited.stderr)")

        let columns = ["kind", "record_id", "rule", "overcharge", "refund"]
        let expected = Self.keyRows(try TestSupport.read(folder + "/answer-key.csv"), columns: columns)
        let found = Self.keyRows(try TestSupport.gunzip(folder + "/audit/findings.csv.gz"), columns: columns)
        let missing = Set(expected).subtracting(found)
        let extra = Set(found).subtracting(expected)
        #expect(missing.isEmpty, "planted but not found (\(missing.count)): \(missing.sorted().prefix(10))")
        #expect(extra.isEmpty, "found but not planted (\(extra.count)): \(extra.sorted().prefix(10))")
        #expect(found == expected)
        #expect(Self.refundTotal(found) == Self.refundTotal(expected))
        // Every rule is planted, so the comparison covers every rule.
        let rules = Set(expected.map { $0.split(separator: ",")[2] })
        #expect(rules.count == 12)
        if idFormat.hasPrefix("uuid") {
            #expect(
                expected.allSatisfy {
                    let id = $0.split(separator: ",")[1]
                    return id.hasPrefix(idPrefix) && id.utf8.count == idPrefix.utf8.count + 36
                        && (idFormat == "uuid" ? id.lowercased() : id.uppercased()) == id
                })
        } else {
            #expect(
                expected.allSatisfy {
                    $0.split(separator: ",")[1].hasPrefix(idPrefix + ($0.hasPrefix("usage") ? "U" : "C"))
                })
        }
    }
}
