/// One value-added service order (DESIGN.md §2.3).
public struct SubscriptionRecord {
    public var account: UnsafeRawBufferPointer
    public var provider: UnsafeRawBufferPointer
    public var serviceCode: UnsafeRawBufferPointer
    public var channel: UnsafeRawBufferPointer
    public var orderedAt: Int64
    /// nil: never confirmed.
    public var confirmedAt: Int64?
    /// nil: still active.
    public var cancelledAt: Int64?
}

public struct SubscriptionDecoder: Sendable {
    private let account, provider, serviceCode, orderedAt, confirmedAt, cancelledAt, channel: Int
    public let timezoneOffset: Int64

    public init(layout: ColumnLayout, timezoneOffset: Int64) {
        precondition(layout.kind == .subscription)
        let r = layout.required
        (account, provider, serviceCode, orderedAt, confirmedAt, cancelledAt, channel) =
            (r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        self.timezoneOffset = timezoneOffset
    }

    public func decode(_ row: CSVScanner) throws(RowError) -> SubscriptionRecord {
        guard let ordered = FieldDecoder.timestamp(row.field(orderedAt), defaultOffset: timezoneOffset) else {
            throw RowError("ordered_at", "\(TextField.describe(row.field(orderedAt))) is not a timestamp")
        }
        return SubscriptionRecord(
            account: row.field(account), provider: row.field(provider), serviceCode: row.field(serviceCode),
            channel: row.field(channel), orderedAt: ordered,
            confirmedAt: try optionalTimestamp(row, confirmedAt, "confirmed_at"),
            cancelledAt: try optionalTimestamp(row, cancelledAt, "cancelled_at"))
    }

    private func optionalTimestamp(_ row: CSVScanner, _ column: Int, _ name: String) throws(RowError) -> Int64? {
        let field = row.field(column)
        if field.isEmpty { return nil }
        guard let value = FieldDecoder.timestamp(field, defaultOffset: timezoneOffset) else {
            throw RowError(name, "\(TextField.describe(field)) is not a timestamp (or empty)")
        }
        return value
    }
}
