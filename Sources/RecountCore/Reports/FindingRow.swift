/// One findings.csv row as bytes (the same text `ReportOrder.fields` gives, joined by commas).
enum FindingRow {
    static func append(_ finding: Finding, _ catalog: TariffCatalog, to out: inout [UInt8]) {
        let precision = catalog.precision, rounding = catalog.rounding
        func amount(_ exact: ExactAmount) {
            CSVBytes.appendAmount(exact.rounded(precision, rounding), precision, to: &out)
        }
        func text(_ value: String) {
            var value = value
            value.withUTF8 { CSVBytes.appendField(UnsafeRawBufferPointer($0), to: &out) }
        }
        text(finding.kind.rawValue)
        out.append(0x2c)
        text(finding.recordID)
        out.append(0x2c)
        text(finding.account)
        out.append(0x2c)
        CSVBytes.appendInteger(Int64(finding.cycle / 100), to: &out)
        out.append(0x2d)
        if finding.cycle % 100 < 10 { out.append(0x30) }
        CSVBytes.appendInteger(Int64(finding.cycle % 100), to: &out)
        out.append(0x2c)
        text(finding.rule.code)
        out.append(0x2c)
        if let quantity = finding.billedQuantity { CSVBytes.appendInteger(quantity, to: &out) }
        out.append(0x2c)
        if let quantity = finding.expectedQuantity { CSVBytes.appendInteger(quantity, to: &out) }
        out.append(0x2c)
        amount(ExactAmount(finding.billedAmount))
        out.append(0x2c)
        amount(ExactAmount(finding.expectedAmount))
        out.append(0x2c)
        amount(ExactAmount(finding.overcharge))
        out.append(0x2c)
        amount(ExactAmount(finding.overcharge).times(catalog.refundFactor))
        out.append(0x2c)
        text(finding.detail)
        out.append(0x0a)
    }
}
