import Foundation
import Testing

@testable import RecountCore

/// The printed summary's last line: time and throughput up to the audit's end, or — when the
/// caller says when the reports were in place — up to then, with the reports' share named.
@Suite struct AuditSummaryTextTests {
    func result() throws -> AuditResult {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        var stats = FileStats(path: "u.csv", kind: .usage)
        stats.decompressedBytes = 8_000_000
        return AuditResult(
            catalog: catalog, findings: [], rows: [.usage: RowCounts(read: 1_000_000, rejected: 0)], rejects: [],
            files: [stats], startedAt: Date(timeIntervalSince1970: 100), finishedAt: Date(timeIntervalSince1970: 104),
            duplicateIndexBytes: 0, duplicateIndexRecords: 0)
    }

    @Test func throughputToTheAuditsEnd() throws {
        let last = AuditSummaryText.text(try result(), out: "/o").split(separator: "\n").last!
        // 1,000,000 rows and 8 MB in 4 s.
        #expect(last == "4.00 s: 250000 rows/s, 2.0 MB/s decompressed; reports in /o")
    }

    @Test func throughputToTheReportsWhenGiven() throws {
        let text = AuditSummaryText.text(try result(), out: "/o", reportsWrittenAt: Date(timeIntervalSince1970: 105))
        // 5 s in all, of which the reports took the last 1.
        #expect(
            text.split(separator: "\n").last!
                == "5.00 s: 200000 rows/s, 1.6 MB/s decompressed (writing the reports: 1.00 s); reports in /o")
    }
}
