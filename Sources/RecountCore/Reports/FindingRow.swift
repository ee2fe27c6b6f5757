/// One findings.csv row (DESIGN.md §5), formatted straight into bytes: the same text as
/// `CSVText.row(ReportOrder.fields(finding, catalog))`, without a `String` per field.
enum FindingRow {
    static func append(_ finding: Finding, _ catalog: TariffCatalog, to out: inout ByteWriter) {
        let precision = catalog.precision
        let rounding = catalog.rounding
        let kind = finding.kind.rawValue
        let rule = finding.rule.code
        // One capacity check for the row: the texts' worst case (every byte a quote), the
        // numbers, the separators.
        let bound =
            ByteCursor.csvFieldBound(finding.recordID.utf8.count) + ByteCursor.csvFieldBound(finding.account.utf8.count)
            + ByteCursor.csvFieldBound(finding.detail.utf8.count) + ByteCursor.csvFieldBound(kind.utf8.count)
            + ByteCursor.csvFieldBound(rule.utf8.count) + 8 * ByteCursor.decimalBound + 16
        out.write(reserving: bound) { row in
            row.csvField(kind)
            row.byte(0x2c)
            row.csvField(finding.recordID)
            row.byte(0x2c)
            row.csvField(finding.account)
            row.byte(0x2c)
            row.cycle(finding.cycle)
            row.byte(0x2c)
            row.csvField(rule)
            row.byte(0x2c)
            if let quantity = finding.billedQuantity { row.integer(quantity) }
            row.byte(0x2c)
            if let quantity = finding.expectedQuantity { row.integer(quantity) }
            row.byte(0x2c)
            row.amount(rounded(finding.billedAmount, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(rounded(finding.expectedAmount, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(rounded(finding.overcharge, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(refund(finding.overcharge, catalog), precision)
            row.byte(0x2c)
            row.csvField(finding.detail)
            row.byte(0x0a)
        }
    }

    @inline(__always)
    static func rounded(_ money: Money, _ precision: AmountPrecision, _ mode: RoundingMode) -> Money {
        ExactAmount.rounded(money.micros, precision, mode)
    }

    /// The refund column: `refund_factor × overcharge`, rounded once. When the product is whole
    /// micros that fit 64 bits (a factor like 2 or 1.5), it is computed without 128-bit division;
    /// otherwise `ExactAmount` keeps it exact. The same value either way.
    @inline(__always)
    static func refund(_ overcharge: Money, _ catalog: TariffCatalog) -> Money {
        let (product, overflow) = overcharge.micros.multipliedReportingOverflow(by: catalog.refundFactor.micros)
        if !overflow, product % Money.scale == 0 {
            return rounded(Money(micros: product / Money.scale), catalog.precision, catalog.rounding)
        }
        return ExactAmount(overcharge).times(catalog.refundFactor).rounded(catalog.precision, catalog.rounding)
    }
}
