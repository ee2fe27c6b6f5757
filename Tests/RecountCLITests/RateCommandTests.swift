import ArgumentParser
import Foundation
import RecountCore
import RecountTestSupport
import Testing

@testable import recount

/// `recount rate` on the demo usage: expected values from testdata/demo/README.md's table.
@Suite(.temporaryFolders) struct RateCommandTests {
    static let expected = """
        record_id,expected_quantity,expected_amount
        U001,66,0.220
        U002,66,0.220
        U003,60,0.200
        U004,0,0.000
        U005,,
        U006,1,0.100
        U007,2048,0.001
        U008,120,0.450
        U009,120,0.450
        U010,60,1.600
        U001,66,0.220
        U011,120,0.400
        U012,0,0.000
        U015,2048,0.001
        U016,0,0.000

        """

    func rate(_ out: String, _ extra: [String] = []) throws {
        var command = try Recount.parseAsRoot(
            [
                "rate", "--catalog", TestSupport.demo + "/catalog.yaml", "--usage", TestSupport.demo + "/usage",
                "--max-rejects", "1", "--out", out,
            ] + extra)
        try command.run()
    }

    /// The demo's 16 rows hold one reject (`fax`), let through by --max-rejects 1: 15 rows get a
    /// line, and the summary says so (it said "16 rows rated").
    @Test func summaryCountsRejectsApartFromRatedRows() throws {
        let folder = TestSupport.temporaryFolder()
        let report = try RateRun.run(
            catalog: TariffCatalog.load(path: TestSupport.demo + "/catalog.yaml"),
            files: InputFiles.expand(.usage, [TestSupport.demo + "/usage"]), options: PipelineOptions(maxRejects: 1),
            outputPath: folder + "/rated.csv")
        #expect(RateCommand.summary(report).hasPrefix("16 rows read, 15 rated, 1 rejected in "))
        #expect(try TestSupport.read(folder + "/rated.csv").split(separator: "\n").count == 1 + 15)
    }

    /// Missing folders on the way to --out are made, as audit's are.
    @Test func makesMissingFoldersForTheOutput() throws {
        let out = TestSupport.temporaryFolder() + "/not/yet/there/rated.csv"
        try rate(out)
        #expect(try TestSupport.read(out) == Self.expected)
    }

    @Test(arguments: [(1, 4 << 20), (2, 1), (4, 50), (3, 333)])
    func ratesInInputOrderForAnyThreadsAndChunks(threads: Int, chunkSize: Int) throws {
        let folder = TestSupport.temporaryFolder()
        try rate(folder + "/rated.csv", ["--threads", String(threads), "--chunk-size", String(chunkSize)])
        #expect(try TestSupport.read(folder + "/rated.csv") == Self.expected)
        try rate(folder + "/rated.csv.gz", ["--threads", String(threads), "--chunk-size", String(chunkSize)])
        #expect(try TestSupport.gunzip(folder + "/rated.csv.gz") == Self.expected)
    }

    /// record_ids are written as RFC 4180 fields: quoted when they hold a comma or a quote
    /// (quotes doubled), as they are otherwise. U001's call: 61 s at 0.20/min in 6 s steps after
    /// the first minute → 66 s, 0.220 (testdata/demo/README.md).
    @Test func recordIDsAreQuotedOnlyWhenTheyMustBe() throws {
        let folder = TestSupport.temporaryFolder()
        let row = ",A100,S,voice,2026-10-06T10:00:00,61,0,8613800138000,66,0.220,\n"
        let usage = folder + "/usage.csv"
        try
            ("record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,billed_amount,cycle\n"
            + "\"R,1\"" + row + "\"R\"\"2\"" + row + "R3" + row).write(toFile: usage, atomically: true, encoding: .utf8)
        var command = try Recount.parseAsRoot(
            ["rate", "--catalog", TestSupport.demo + "/catalog.yaml", "--usage", usage, "--out", folder + "/rated.csv"])
        try command.run()
        #expect(
            try TestSupport.read(folder + "/rated.csv")
                == "record_id,expected_quantity,expected_amount\n\"R,1\",66,0.220\n\"R\"\"2\",66,0.220\nR3,66,0.220\n")
    }

    @Test func malformedRowBeyondBudgetLeavesNoOutput() throws {
        let folder = TestSupport.temporaryFolder()
        var command = try Recount.parseAsRoot(
            [
                "rate", "--catalog", TestSupport.demo + "/catalog.yaml", "--usage", TestSupport.demo + "/usage",
                "--out", folder + "/rated.csv",
            ])
        #expect(throws: ExitCode(2)) { try command.run() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
