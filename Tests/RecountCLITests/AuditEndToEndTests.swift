import ArgumentParser
import Foundation
import RecountTestSupport
import Testing

@testable import RecountCore
@testable import recount

/// The main job on testdata/demo, through the command line, against the hand-checked outputs in
/// testdata/demo/expected (each planted case and its arithmetic: testdata/demo/README.md).
@Suite(.serialized, .temporaryFolders) struct AuditEndToEndTests {
    func runAudit(_ arguments: [String]) throws {
        var command = try Recount.parseAsRoot(arguments)
        try command.run()
    }

    func outputs(_ folder: String) throws -> [String: String] {
        [
            "findings.csv": try TestSupport.gunzip(folder + "/findings.csv.gz"),
            "refunds.csv": try TestSupport.read(folder + "/refunds.csv"),
            "rejects.csv": try TestSupport.read(folder + "/rejects.csv"),
            "summary.json": TestSupport.stableSummary(try TestSupport.read(folder + "/summary.json")),
        ]
    }

    @Test func demoMatchesExpectedByteForByte() throws {
        let out = TestSupport.temporaryFolder() + "/report"
        try runAudit(TestSupport.demoArguments(out: out))
        let expected = TestSupport.demo + "/expected"
        let actual = try outputs(out)
        #expect(actual["findings.csv"] == (try TestSupport.read(expected + "/findings.csv")))
        #expect(actual["refunds.csv"] == (try TestSupport.read(expected + "/refunds.csv")))
        // rejects.csv names the file by the path given on the command line: compare from the file name on.
        let rejects = try #require(actual["rejects.csv"]).replacingOccurrences(of: TestSupport.demo + "/", with: "")
        #expect(rejects == (try TestSupport.read(expected + "/rejects.csv")))
        #expect(actual["summary.json"] == TestSupport.stableSummary(try TestSupport.read(expected + "/summary.json")))
    }

    @Test(arguments: [(1, 4 << 20), (4, 4 << 20), (2, 1), (3, 37), (4, 200)])
    func sameBytesForAnyThreadCountAndChunkSize(threads: Int, chunkSize: Int) throws {
        let base = TestSupport.temporaryFolder()
        try runAudit(TestSupport.demoArguments(out: base + "/reference") + ["--threads", "1"])
        try runAudit(
            TestSupport.demoArguments(out: base + "/other") + [
                "--threads", String(threads), "--chunk-size",
                String(chunkSize),
            ])
        #expect(try outputs(base + "/reference") == outputs(base + "/other"))
    }

    @Test func rowAccountingHolds() throws {
        let out = TestSupport.temporaryFolder() + "/report"
        try runAudit(TestSupport.demoArguments(out: out))
        let summary = try TestSupport.read(out + "/summary.json")
        // Each kind's line reads {"read": R, "audited": A, "rejected": J}: check R == A + J.
        for line in summary.split(separator: "\n") where line.contains("\"read\"") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.count == 3 && numbers[0] == numbers[1] + numbers[2], "\(line)")
        }
    }

    @Test func corruptGzipLeavesNoOutputAndKeepsThePreviousOne() throws {
        let base = TestSupport.temporaryFolder()
        let out = base + "/report"
        try runAudit(TestSupport.demoArguments(out: out))
        let before = try outputs(out)
        // A copy of the demo usage with the gzip file cut short.
        try FileManager.default.createDirectory(atPath: base + "/usage", withIntermediateDirectories: true)
        let gz = try Data(contentsOf: URL(fileURLWithPath: TestSupport.demo + "/usage/part1.csv.gz"))
        try gz.prefix(gz.count - 12).write(to: URL(fileURLWithPath: base + "/usage/part1.csv.gz"))
        var arguments = TestSupport.demoArguments(out: out)
        arguments[arguments.firstIndex(of: TestSupport.demo + "/usage")!] = base + "/usage"
        var thrown: Error?
        do { try runAudit(arguments) } catch { thrown = error }
        let exit = try #require(thrown as? ExitCode)
        #expect(exit.rawValue == 2)
        #expect(try outputs(out) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)

        // And with no previous report: nothing appears.
        let fresh = base + "/fresh"
        do { try runAudit(Array(arguments.dropLast()) + [fresh]) } catch {}
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    /// `--out` naming an input folder or a folder of other files is refused with exit 1 before
    /// anything is read, and both are left as they were (the swap used to delete them).
    @Test func outThatWouldDestroyInputsIsRefused() throws {
        let base = TestSupport.temporaryFolder()
        try FileManager.default.copyItem(atPath: TestSupport.demo + "/usage", toPath: base + "/usage")
        try FileManager.default.createDirectory(atPath: base + "/notes", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: base + "/notes/keep.txt", contents: Data("keep".utf8)))
        let before = try FileManager.default.contentsOfDirectory(atPath: base + "/usage").sorted()
        var arguments = TestSupport.demoArguments(out: base + "/usage")
        arguments[arguments.firstIndex(of: TestSupport.demo + "/usage")!] = base + "/usage"
        for out in [base + "/usage", base + "/notes", base + "/notes/keep.txt"] {
            arguments[arguments.count - 1] = out
            var thrown: Error?
            do { try runAudit(arguments) } catch { thrown = error }
            #expect((thrown as? ExitCode)?.rawValue == 1, "--out \(out)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/usage").sorted() == before)
        #expect(try TestSupport.read(base + "/notes/keep.txt") == "keep")
        // A new folder, then the same folder again (it holds only reports now): both accepted.
        arguments[arguments.count - 1] = base + "/report"
        try runAudit(arguments)
        try runAudit(arguments)
    }

    @Test func failOnFindingsExitsThree() throws {
        let out = TestSupport.temporaryFolder() + "/report"
        var thrown: Error?
        do { try runAudit(TestSupport.demoArguments(out: out) + ["--fail-on-findings"]) } catch { thrown = error }
        #expect((thrown as? ExitCode)?.rawValue == 3)
        #expect(FileManager.default.fileExists(atPath: out + "/summary.json"))
    }
}
