/// One findings.csv row (DESIGN.md §5), formatted straight into bytes: the same text as
/// `CSVText.row(ReportOrder.fields(finding, catalog))`, without a `String` per field.
enum FindingRow {
    /// The row of the finding at `finding`, read in place (a copy of the finding would retain its detail).
    static func append(_ finding: UnsafePointer<StoredFinding>, _ catalog: TariffCatalog, to out: inout ByteWriter) {
        let precision = catalog.precision
        let rounding = catalog.rounding
        let kind = finding.pointee.kind.rawValue
        let rule = finding.pointee.rule.code
        // One capacity check for the row: the texts' worst case (every byte a quote), the
        // numbers, the separators.
        let bound =
            ByteCursor.csvFieldBound(finding.pointee.recordID.count)
            + ByteCursor.csvFieldBound(finding.pointee.account.count)
            + detailBound(finding) + ByteCursor.csvFieldBound(kind.utf8.count)
            + ByteCursor.csvFieldBound(rule.utf8.count) + 7 * ByteCursor.decimalBound + ByteCursor.wideDecimalBound + 16
        out.write(reserving: bound) { row in
            row.csvField(kind)
            row.byte(0x2c)
            finding.pointee.recordID.withBytes { row.csvField($0) }
            row.byte(0x2c)
            finding.pointee.account.withBytes { row.csvField($0) }
            row.byte(0x2c)
            row.cycle(finding.pointee.cycle)
            row.byte(0x2c)
            row.csvField(rule)
            row.byte(0x2c)
            if let quantity = finding.pointee.billedQuantity { row.integer(quantity) }
            row.byte(0x2c)
            if let quantity = finding.pointee.expectedQuantity { row.integer(quantity) }
            row.byte(0x2c)
            row.amount(rounded(finding.pointee.billedAmount, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(rounded(finding.pointee.expectedAmount, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(rounded(finding.pointee.overcharge, precision, rounding), precision)
            row.byte(0x2c)
            row.amount(wide: refund(finding.pointee.overcharge, catalog), precision)
            row.byte(0x2c)
            writeDetail(finding, to: &row)
            row.byte(0x0a)
        }
    }

    /// The row of a `Finding` value, through a buffer of its own.
    static func append(_ finding: Finding, _ catalog: TariffCatalog, to out: inout ByteWriter) {
        let buffer = FindingBuffer([finding])
        append(buffer.base, catalog, to: &out)
    }

    @inline(__always)
    private static func detailBound(_ finding: UnsafePointer<StoredFinding>) -> Int {
        finding.pointee.detailForm == .text
            ? ByteCursor.csvFieldBound(finding.pointee.detailText.utf8.count) : DetailForm.bound
    }

    /// A composed detail goes straight into the row: it has nothing CSV quotes (`DetailForm`).
    @inline(__always)
    private static func writeDetail(_ finding: UnsafePointer<StoredFinding>, to row: inout ByteCursor) {
        let form = finding.pointee.detailForm
        if form == .text {
            row.csvField(finding.pointee.detailText)
        } else {
            TextComposer.write(at: &row) {
                form.compose(
                    billed: finding.pointee.billedQuantity ?? 0, expected: finding.pointee.expectedQuantity ?? 0,
                    into: &$0)
            }
        }
    }

    @inline(__always)
    static func rounded(_ money: Money, _ precision: AmountPrecision, _ mode: RoundingMode) -> Money {
        ExactAmount.rounded(money.micros, precision, mode)
    }

    /// The refund column, in micros: `refund_factor × overcharge`, rounded once. When the product
    /// is whole micros that fit 64 bits (a factor like 2 or 1.5), it is computed without 128-bit
    /// division; otherwise `ExactAmount` keeps it exact (and wide: a refund may not fit `Money`).
    /// The same value either way.
    @inline(__always)
    static func refund(_ overcharge: Money, _ catalog: TariffCatalog) -> Int128 {
        let (product, overflow) = overcharge.micros.multipliedReportingOverflow(by: catalog.refundFactor.micros)
        if !overflow, product % Money.scale == 0 {
            return Int128(rounded(Money(micros: product / Money.scale), catalog.precision, catalog.rounding).micros)
        }
        return ExactAmount(overcharge).times(catalog.refundFactor).roundedMicros(catalog.precision, catalog.rounding)
    }

    /// The refund of a ledger row's overcharge sum.
    static func refund(_ overcharge: MoneySum, _ catalog: TariffCatalog) -> Int128 {
        if let narrow = overcharge.money { return refund(narrow, catalog) }
        return ExactAmount(overcharge).times(catalog.refundFactor).roundedMicros(catalog.precision, catalog.rounding)
    }

    /// A sum rounded once to the catalog's precision, in micros.
    static func rounded(_ sum: MoneySum, _ precision: AmountPrecision, _ mode: RoundingMode) -> Int128 {
        if let narrow = sum.money { return Int128(rounded(narrow, precision, mode).micros) }
        return ExactAmount(sum).roundedMicros(precision, mode)
    }
}
