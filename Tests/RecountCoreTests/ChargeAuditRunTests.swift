import Foundation
import RecountTestSupport
import Testing

@testable import RecountCore

/// The charge audit through `AuditRun`: small inputs (gzip and plain, files and folders) loaded
/// first, charges judged in the workers, one reject budget over both stages, and results that do
/// not depend on thread count or chunk size.
@Suite(.temporaryFolders) struct ChargeAuditRunTests {
    static let subscriptions = """
        account,provider,service_code,ordered_at,confirmed_at,cancelled_at,channel
        A1,SP1,M1,2026-03-01T10:00:00,2026-03-01T10:05:00,,sms
        A2,SP1,M1,2026-03-01T10:00:00,,,web
        A3,SP1,M1,2026-03-01T10:00:00,2026-03-01T10:05:00,2026-03-10T00:00:00,app
        A5,SP1,M1,yesterday,,,sms

        """
    /// Columns in another order than DESIGN.md's, and an extra one.
    static let providers = """
        licence,provider,valid_to,name,valid_from,note
        B2-1,SP1,2026-12-31,Music Co,2026-01-01,x
        ,SP2,,Unlicensed Co,2026-01-01,y

        """
    static let chargesA = """
        item_id,account,code,amount,charged_at,provider,service_code
        C1,A1,MUSIC,10.00,2026-03-05T12:00:00,SP1,M1
        C2,A1,MUSIC,12.00,2026-03-05T12:00:00,SP1,M1
        C3,A2,MUSIC,10.00,2026-03-05T12:00:00,SP1,M1
        C4,A3,MUSIC,10.00,2026-03-12T12:00:00,SP1,M1

        """
    static let chargesB = """
        item_id,account,code,amount,charged_at,provider,service_code,cycle
        C5,A9,MUSIC,10.00,2026-03-05T04:00:00Z,SP1,M1,2026-02
        C6,A1,NOPE,3.00,2026-03-05T12:00:00,,,
        C7,A1,CLIP,5.00,2026-03-05T12:00:00,SP2,,
        C8,A1,CLIP,4.00,2026-03-05T12:00:00,,,
        C9,A1,CLIP,lots,2026-03-05T12:00:00,,,

        """

    /// Writes the inputs into a fresh folder; subscriptions gzip-compressed, charges as a folder.
    static func inputs() throws -> (folder: String, files: [InputFile]) {
        let folder = TemporaryFolders.make("charges")
        try FileManager.default.createDirectory(atPath: folder + "/charges", withIntermediateDirectories: true)
        let sink = try FileSink(path: folder + "/subscriptions.csv.gz")
        let gzip = try GzipWriter(sink: sink)
        try gzip.write(subscriptions)
        try gzip.finish()
        try sink.close()
        try providers.write(toFile: folder + "/providers.csv", atomically: true, encoding: .utf8)
        try chargesA.write(toFile: folder + "/charges/a.csv", atomically: true, encoding: .utf8)
        try chargesB.write(toFile: folder + "/charges/b.csv", atomically: true, encoding: .utf8)
        let files =
            try InputFiles.expand(.subscription, [folder + "/subscriptions.csv.gz"])
            + InputFiles.expand(.provider, [folder + "/providers.csv"])
            + InputFiles.expand(.charge, [folder + "/charges"])
        return (folder, files)
    }

    static func run(threads: Int, chunkSize: Int, maxRejects: Int) throws -> AuditResult {
        let (folder, files) = try inputs()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog = try TariffCatalog.parse(yaml: ChargeRulesTests.catalogYAML, path: "charge-run-tests.yaml")
        return try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: files,
                pipeline: PipelineOptions(threads: threads, chunkSize: chunkSize, maxRejects: maxRejects)))
    }

    @Test(arguments: [1, 2, 4], [16, 100, 1 << 20])
    func findingsRowsAndRejects(threads: Int, chunkSize: Int) throws {
        let result = try Self.run(threads: threads, chunkSize: chunkSize, maxRejects: 2)
        let found = result.findings.map { "\($0.recordID) \($0.rule.code) \($0.overcharge) \($0.expectedAmount)" }
        #expect(
            found == [
                "C2 item-overpriced 2.000000 10.000000",
                "C6 unfiled-item 3.000000 0.000000",
                "C7 unlicensed-provider 5.000000 0.000000",
                "C3 unconfirmed-subscription 10.000000 0.000000",
                "C4 charged-after-cancellation 10.000000 0.000000",
                "C5 no-subscription 10.000000 0.000000",
            ])
        #expect(result.findings.allSatisfy { $0.kind == .charge && $0.billedQuantity == nil })
        // The cycle column wins over the charge's month; without one, the local month.
        #expect(result.findings.first { $0.recordID == "C5" }?.cycle == 202602)
        #expect(result.findings.first { $0.recordID == "C2" }?.cycle == 202603)
        #expect(result.rows[.subscription] == RowCounts(read: 4, rejected: 1))
        #expect(result.rows[.provider] == RowCounts(read: 2, rejected: 0))
        #expect(result.rows[.charge] == RowCounts(read: 9, rejected: 1))
        #expect(result.rows[.usage] == RowCounts())
        // Rejects of both stages, in input order, naming the right files.
        let rejects = result.rejects.map {
            "\((result.files[$0.file].path as NSString).lastPathComponent):\($0.line) \($0.reason)"
        }
        #expect(rejects.count == 2)
        #expect(rejects.first?.hasPrefix("subscriptions.csv.gz:5 ordered_at:") == true)
        #expect(rejects.last?.hasPrefix("b.csv:6 amount:") == true)
        #expect(result.files.map(\.kind) == [.subscription, .provider, .charge, .charge])
        #expect(result.files[0].gzip)
        #expect(result.files.map(\.rowsRead) == [4, 2, 4, 5])
    }

    @Test func oneRejectBudgetOverBothStages() throws {
        // Zero allowed: the first malformed row (in the subscriptions) aborts.
        #expect(throws: InputError.self) { try Self.run(threads: 2, chunkSize: 1 << 20, maxRejects: 0) }
        do {
            _ = try Self.run(threads: 2, chunkSize: 1 << 20, maxRejects: 0)
        } catch let error as InputError {
            guard case .malformedRow(let file, let line, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(file.hasSuffix("subscriptions.csv.gz"))
            #expect(line == 5)
        }
        // One allowed: the subscription reject uses it, so the charge reject is number 2.
        do {
            _ = try Self.run(threads: 2, chunkSize: 16, maxRejects: 1)
            Issue.record("expected the second reject to abort")
        } catch let error as InputError {
            guard case .tooManyRejects(let file, let line, _, let limit) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(file.hasSuffix("charges/b.csv"))
            #expect(line == 6)
            #expect(limit == 1)
            #expect(error.description.contains("reject 2 exceeds --max-rejects 1"))
        }
    }

    @Test func withoutSubscriptionsOrProvidersEveryValueAddedChargeIsUnlicensed() throws {
        let (folder, files) = try Self.inputs()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog = try TariffCatalog.parse(yaml: ChargeRulesTests.catalogYAML, path: "charge-run-tests.yaml")
        let result = try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: files.filter { $0.kind == .charge },
                pipeline: PipelineOptions(threads: 2, maxRejects: 5)))
        let rules = Dictionary(uniqueKeysWithValues: result.findings.map { ($0.recordID, $0.rule) })
        #expect(rules["C1"] == .unlicensedProvider)
        #expect(rules["C6"] == .unfiledItem)
        #expect(rules["C8"] == nil)
        #expect(result.rows[.subscription] == RowCounts())
    }
}
