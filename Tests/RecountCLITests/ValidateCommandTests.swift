import Foundation
import RecountCore
import Testing

@testable import recount

/// The package root, from this file's path (Tests/RecountCLITests/ValidateCommandTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private let binary = packageRoot.appendingPathComponent(".build/debug/recount").path

private struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

private func recount(_ arguments: [String]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("recount-out-" + UUID().uuidString)
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("recount-err-" + UUID().uuidString)
    precondition(FileManager.default.createFile(atPath: outURL.path, contents: nil), "cannot create \(outURL.path)")
    precondition(FileManager.default.createFile(atPath: errURL.path, contents: nil), "cannot create \(errURL.path)")
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    // Files, not pipes: the child never blocks on a full pipe.
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

private final class Folder {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("recount-cli-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot create \(full)")
        return full
    }
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

private let header =
    "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,billed_amount,cycle\n"
private func row(_ id: Int, start: String = "2026-10-05T10:00:00", amount: String = "0.20") -> String {
    "r\(id),acc,P01,voice,\(start),60,0,8613,60,\(amount),\n"
}

@Suite struct ValidateCommandTests {
    @Test func parses() throws {
        let command = try Recount.parseAsRoot([
            "validate", "--usage", "a.csv", "b.csv.gz", "--charges", "c.csv", "--subscriptions", "s.csv",
            "--providers", "p.csv", "--max-rejects", "3", "--threads", "2",
        ])
        let validate = try #require(command as? ValidateCommand)
        #expect(validate.inputs.usage == ["a.csv", "b.csv.gz"])
        #expect(validate.inputs.charges == ["c.csv"])
        #expect(validate.inputs.subscriptions == ["s.csv"])
        #expect(validate.inputs.providers == ["p.csv"])
        #expect(validate.runOptions.maxRejects == 3)
        #expect(validate.runOptions.threads == 2)
        #expect(validate.runOptions.pipeline.maxRejects == 3)
        #expect(validate.runOptions.pipeline.threads == 2)

        let defaults = try #require(try Recount.parseAsRoot(["validate", "--usage", "a.csv"]) as? ValidateCommand)
        #expect(defaults.runOptions.maxRejects == 0)
        #expect(defaults.runOptions.threads >= 1)
    }

    @Test(arguments: [
        ["validate", "--usage", "a.csv", "--threads", "0"], ["validate", "--usage", "a.csv", "--max-rejects", "-1"],
        ["validate", "--usage", "a.csv", "--threads", "x"], ["validate", "--bogus"],
        ["validate", "--usage", "a.csv", "--chunk-size", "0"],
        ["validate", "--usage", "a.csv", "--chunk-size", "67108865"],
    ])
    func rejectsBadOptions(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try Recount.parseAsRoot(arguments) }
    }

    @Test func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build first: swift build --build-tests")
    }

    @Test(arguments: ["1", "2", "4"])
    func succeedsOnGoodInput(threads: String) throws {
        let folder = Folder()
        let usage = folder.write("u.csv", header + (1...50).map { row($0) }.joined())
        let run = try recount(["validate", "--usage", usage, "--threads", threads])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(usage))
        #expect(run.stdout.contains("1 files, 50 rows, 0 rejected"))
    }

    @Test(arguments: ["1", "2", "4"], ["1", "7", "4194304"])
    func malformedRowExitsTwo(threads: String, chunkSize: String) throws {
        let folder = Folder()
        let text =
            header + row(1) + "r2,acc,P01,voice,\"2026-10-05T10:00:00\",60,0,\"86\n13\",60,0.20,\n" + row(3)
            + row(4, start: "2026-02-30T10:00:00") + row(5) + row(6, amount: ".5") + row(7)
        let usage = folder.write("u.csv", text)
        let strict = try recount(["validate", "--usage", usage, "--threads", threads, "--chunk-size", chunkSize])
        #expect(strict.status == 2)
        // r2's destination holds a newline: digits check fails on line 3 (the record's first line).
        #expect(strict.stderr.hasPrefix("recount: \(usage):3: destination: "), "\(strict.stderr)")

        let one = try recount([
            "validate", "--usage", usage, "--threads", threads, "--max-rejects", "1", "--chunk-size", chunkSize,
        ])
        #expect(one.status == 2)
        #expect(one.stderr.hasPrefix("recount: \(usage):6: start: "), "\(one.stderr)")
        #expect(one.stderr.contains("exceeds --max-rejects 1"))

        let two = try recount([
            "validate", "--usage", usage, "--threads", threads, "--max-rejects", "2", "--chunk-size", chunkSize,
        ])
        #expect(two.status == 2)
        #expect(two.stderr.hasPrefix("recount: \(usage):8: billed_amount: "), "\(two.stderr)")

        let three = try recount([
            "validate", "--usage", usage, "--threads", threads, "--max-rejects", "3", "--chunk-size", chunkSize,
        ])
        #expect(three.status == 0, "\(three.stderr)")
        #expect(three.stdout.contains("1 files, 7 rows, 3 rejected"))
        // The rows let through are listed, in input order.
        let listed = three.stdout.split(separator: "\n").filter { $0.hasPrefix("rejected: ") }
        #expect(listed.count == 3)
        #expect(listed[0].hasPrefix("rejected: \(usage):3: destination: "), "\(three.stdout)")
        #expect(listed[1].hasPrefix("rejected: \(usage):6: start: "))
        #expect(listed[2].hasPrefix("rejected: \(usage):8: billed_amount: "))
    }

    @Test func inputErrorsExitTwo() throws {
        let folder = Folder()
        let good = Array((header + row(1) + row(2)).utf8)
        // A plain file named .gz whose bytes are gzip-corrupt is detected by content, not name.
        let missingColumn = folder.write("m.csv", "record_id,account\nr1,a\n")
        let empty = folder.write("e.csv", [])
        let gzipPath = folder.write("g.csv", good)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-kf", gzipPath]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = try #require(FileManager.default.contents(atPath: gzipPath + ".gz"))
        let truncated = folder.write("t.csv.gz", Array(compressed.prefix(compressed.count - 5)))
        let garbage = folder.write("x.csv.gz", Array(compressed) + Array("junk".utf8))

        let ok = try recount(["validate", "--usage", gzipPath + ".gz", "--max-rejects", "100"])
        #expect(ok.status == 0, "\(ok.stderr)")
        for (path, message) in [
            (missingColumn, ":1: missing required columns: plan, service"), (empty, ": empty file"),
            (truncated, ": gzip stream ends early at compressed byte \(compressed.count - 5)"),
            (garbage, ": data after the last gzip member at compressed byte \(compressed.count)"),
        ] {
            let run = try recount(["validate", "--usage", path, "--max-rejects", "100"])
            #expect(run.status == 2, "\(path)")
            #expect(run.stderr.hasPrefix("recount: \(path)\(message)"), "\(run.stderr)")
        }
        let missing = try recount(["validate", "--usage", folder.path + "/nope.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder"))
    }

    @Test func usageErrorsExitOne() throws {
        let none = try recount(["validate"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no input files"))
        let badThreads = try recount(["validate", "--usage", "x.csv", "--threads", "0"])
        #expect(badThreads.status == 1, "DESIGN.md §6: usage error exits 1 (got \(badThreads.status))")
        let unknown = try recount(["validate", "--usage", "x.csv", "--bogus"])
        #expect(unknown.status == 1, "DESIGN.md §6: usage error exits 1 (got \(unknown.status))")
    }
}
