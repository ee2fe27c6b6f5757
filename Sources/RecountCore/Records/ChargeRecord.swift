/// One non-usage charge item (DESIGN.md §2.2), its text fields pointing into the chunk.
public struct ChargeRecord {
    public var itemID: UnsafeRawBufferPointer
    public var account: UnsafeRawBufferPointer
    public var code: UnsafeRawBufferPointer
    public var provider: UnsafeRawBufferPointer
    public var serviceCode: UnsafeRawBufferPointer
    public var amount: Money
    public var chargedAt: Int64
    public var cycle: Int32
}

public struct ChargeDecoder: Sendable {
    private let itemID, account, code, amount, chargedAt, provider, serviceCode: Int
    private let cycle: Int?
    public let timezoneOffset: Int64

    public init(layout: ColumnLayout, timezoneOffset: Int64) {
        precondition(layout.kind == .charge)
        let r = layout.required
        (itemID, account, code, amount, chargedAt, provider, serviceCode) = (r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        cycle = layout.optional[0]
        self.timezoneOffset = timezoneOffset
    }

    public func decode(_ row: CSVScanner) throws(RowError) -> ChargeRecord {
        let id = row.field(itemID)
        guard !id.isEmpty else { throw RowError("item_id", "empty") }
        guard let amount = FieldDecoder.money(row.field(amount)) else {
            throw RowError("amount", "\(TextField.describe(row.field(self.amount))) is not an amount")
        }
        guard let chargedAt = FieldDecoder.timestamp(row.field(chargedAt), defaultOffset: timezoneOffset) else {
            throw RowError(
                "charged_at", "\(TextField.describe(row.field(self.chargedAt))) is not YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]")
        }
        let cycle = try CycleColumn.decode(row, cycle, instant: chargedAt, timezoneOffset: timezoneOffset)
        return ChargeRecord(
            itemID: id, account: row.field(account), code: row.field(code), provider: row.field(provider),
            serviceCode: row.field(serviceCode), amount: amount, chargedAt: chargedAt, cycle: cycle)
    }
}
