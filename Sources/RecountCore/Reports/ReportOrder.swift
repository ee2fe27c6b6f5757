/// The row order of every report, by byte order of keys, so output bytes never depend on
/// thread count, chunk size or timing (DESIGN.md §5).
public enum ReportOrder {
    /// The findings.csv fields of a finding, in column order.
    static func fields(_ finding: Finding, _ catalog: TariffCatalog) -> [String] {
        let precision = catalog.precision, rounding = catalog.rounding
        func amount(_ money: Money) -> String { ExactAmount(money).formatted(precision, rounding) }
        return [
            finding.kind.rawValue, finding.recordID, finding.account, CivilTime.formatCycle(finding.cycle),
            finding.rule.code, finding.billedQuantity.map(String.init) ?? "",
            finding.expectedQuantity.map(String.init) ?? "", amount(finding.billedAmount),
            amount(finding.expectedAmount), amount(finding.overcharge),
            ExactAmount(finding.overcharge).times(catalog.refundFactor).formatted(precision, rounding),
            finding.detail,
        ]
    }

    /// Sorted by account, cycle, kind, record_id, rule, then the rest of the row.
    public static func sorted(_ findings: [Finding], _ catalog: TariffCatalog) -> [Finding] {
        let keyed = findings.map { finding -> ([[UInt8]], Finding) in
            let row = fields(finding, catalog)
            // Sort key: account, cycle, kind, record_id, rule, then the remaining columns in order.
            let key = [row[2], row[3], row[0], row[1], row[4]] + row[5...]
            return (key.map { Array($0.utf8) }, finding)
        }
        return keyed.sorted { lhs, rhs in
            for (a, b) in zip(lhs.0, rhs.0) where a != b { return a.lexicographicallyPrecedes(b) }
            return false
        }.map(\.1)
    }
}
