import Foundation

/// The short human summary `recount audit` prints: rows, findings and refunds per rule, throughput.
public enum AuditSummaryText {
    /// `reportsWrittenAt`: when the reports were in place. The time and throughput printed then
    /// run to it — what a user timing the command sees — and say how much of it the reports took.
    public static func text(_ result: AuditResult, out: String, reportsWrittenAt: Date? = nil) -> String {
        let catalog = result.catalog
        func amount(_ value: ExactAmount) -> String { value.formatted(catalog.precision, catalog.rounding) }
        var lines: [String] = []
        for kind in RecordKind.allCases {
            let counts = result.rows[kind] ?? RowCounts()
            guard counts.read > 0 else { continue }
            lines.append(
                "\(kind.rawValue): \(counts.read) rows read, \(counts.audited) audited, \(counts.rejected) rejected")
        }
        let totals = result.ruleTotals
        lines.append("rule                          findings      overcharge          refund")
        for rule in Rule.reportOrder {
            let entry = totals.entries[rule]!
            guard entry.findings > 0 else { continue }
            // Undercharges owe nothing: their shortfall goes after the columns, not in them.
            let undercharge = rule == .undercharge
            let refund = undercharge ? "-" : amount(ExactAmount(entry.overcharge).times(catalog.refundFactor))
            let overcharge = undercharge ? "-" : amount(ExactAmount(entry.overcharge))
            lines.append(
                // A space before each column, so even amounts wider than it stay apart.
                ValidationSummary.pad(rule.code, 28, left: true) + " "
                    + ValidationSummary.pad(String(entry.findings), 9)
                    + " " + ValidationSummary.pad(overcharge, 15) + " " + ValidationSummary.pad(refund, 15)
                    + (undercharge ? "  (shortfall " + amount(ExactAmount(entry.shortfall)) + ")" : ""))
        }
        lines.append(
            "total: \(totals.totalFindings) findings, overcharge \(amount(ExactAmount(totals.totalOvercharge))) "
                + "\(catalog.currency), refund owed \(amount(ExactAmount(totals.totalOvercharge).times(catalog.refundFactor))) \(catalog.currency)"
        )
        // Per-record size means something only once the tables' fixed starting size is amortised.
        if result.duplicateIndexRecords >= 100_000 {
            lines.append(
                String(
                    format: "duplicate index: %d records, %.1f MB (%.1f bytes/record)", result.duplicateIndexRecords,
                    Double(result.duplicateIndexBytes) / 1e6,
                    Double(result.duplicateIndexBytes) / Double(result.duplicateIndexRecords)))
        }
        let end = reportsWrittenAt ?? result.finishedAt
        let seconds = max(end.timeIntervalSince(result.startedAt), 1e-6)
        let rows = result.rows.values.reduce(0) { $0 + $1.read }
        let bytes = result.files.reduce(0) { $0 + $1.decompressedBytes }
        var timing = String(
            format: "%.2f s: %.0f rows/s, %.1f MB/s decompressed", seconds, Double(rows) / seconds,
            Double(bytes) / 1e6 / seconds)
        if let reportsWrittenAt {
            let reportSeconds = reportsWrittenAt.timeIntervalSince(result.finishedAt)
            timing += String(format: " (writing the reports: %.2f s)", reportSeconds)
        }
        lines.append(timing + "; reports in " + out)
        return lines.joined(separator: "\n")
    }
}
