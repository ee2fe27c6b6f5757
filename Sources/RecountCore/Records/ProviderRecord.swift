/// One row of the SP licence registry (DESIGN.md §2.4).
public struct ProviderRecord {
    public var provider: UnsafeRawBufferPointer
    public var name: UnsafeRawBufferPointer
    public var licence: UnsafeRawBufferPointer
    /// Days since 1970-01-01.
    public var validFrom: Int64
    /// Last valid day; nil = open.
    public var validTo: Int64?
}

public struct ProviderDecoder: Sendable {
    private let provider, name, licence, validFrom, validTo: Int

    public init(layout: ColumnLayout) {
        precondition(layout.kind == .provider)
        let r = layout.required
        (provider, name, licence, validFrom, validTo) = (r[0], r[1], r[2], r[3], r[4])
    }

    public func decode(_ row: CSVScanner) throws(RowError) -> ProviderRecord {
        guard let from = FieldDecoder.date(row.field(validFrom)) else {
            throw RowError("valid_from", "\(TextField.describe(row.field(validFrom))) is not YYYY-MM-DD")
        }
        var to: Int64?
        let toField = row.field(validTo)
        if !toField.isEmpty {
            guard let day = FieldDecoder.date(toField) else {
                throw RowError("valid_to", "\(TextField.describe(toField)) is not YYYY-MM-DD (or empty)")
            }
            guard day >= from else { throw RowError("valid_to", "before valid_from") }
            to = day
        }
        return ProviderRecord(
            provider: row.field(provider), name: row.field(name), licence: row.field(licence), validFrom: from,
            validTo: to)
    }
}
