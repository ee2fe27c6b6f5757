/// One findings.csv row as bytes (the same text `ReportOrder.fields` gives, joined by commas).
enum FindingRow {
    static func append(_ finding: Finding, _ catalog: TariffCatalog, to out: inout ByteWriter) {
        let precision = catalog.precision
        let rounding = catalog.rounding
        func amount(_ exact: ExactAmount) {
            CSVBytes.appendAmount(exact.rounded(precision, rounding), precision, to: &out)
        }
        CSVBytes.appendField(finding.kind.rawValue, to: &out)
        out.byte(0x2c)
        CSVBytes.appendField(finding.recordID, to: &out)
        out.byte(0x2c)
        CSVBytes.appendField(finding.account, to: &out)
        out.byte(0x2c)
        CSVBytes.appendDigits(UInt64(finding.cycle / 100), minimumCount: 4, to: &out)
        out.byte(0x2d)
        CSVBytes.appendDigits(UInt64(finding.cycle % 100), minimumCount: 2, to: &out)
        out.byte(0x2c)
        CSVBytes.appendField(finding.rule.code, to: &out)
        out.byte(0x2c)
        if let quantity = finding.billedQuantity { CSVBytes.appendInteger(quantity, to: &out) }
        out.byte(0x2c)
        if let quantity = finding.expectedQuantity { CSVBytes.appendInteger(quantity, to: &out) }
        out.byte(0x2c)
        amount(ExactAmount(finding.billedAmount))
        out.byte(0x2c)
        amount(ExactAmount(finding.expectedAmount))
        out.byte(0x2c)
        amount(ExactAmount(finding.overcharge))
        out.byte(0x2c)
        amount(ExactAmount(finding.overcharge).times(catalog.refundFactor))
        out.byte(0x2c)
        CSVBytes.appendField(finding.detail, to: &out)
        out.byte(0x0a)
    }
}
