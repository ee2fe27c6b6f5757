/// One billing error (or undercharge) found on one record: a row of findings.csv.gz.
public struct Finding: Sendable, Equatable, Codable {
    public var kind: RecordKind
    public var recordID: String
    public var account: String
    /// YYYYMM.
    public var cycle: Int32
    public var rule: Rule
    /// Quantities are nil for charges.
    public var billedQuantity: Int64?
    public var expectedQuantity: Int64?
    public var billedAmount: Money
    /// What the filed tariffs allow for this record: 0 where nothing is allowed.
    public var expectedAmount: Money
    /// billed − expected for refundable rules; 0 for `undercharge`.
    public var overcharge: Money
    public var detail: String
    /// Input order (file, chunk, record): decides duplicates, never written.
    public var order: UInt64

    public init(
        kind: RecordKind, recordID: String, account: String, cycle: Int32, rule: Rule, billedQuantity: Int64?,
        expectedQuantity: Int64?, billedAmount: Money, expectedAmount: Money, overcharge: Money, detail: String,
        order: UInt64
    ) {
        self.kind = kind
        self.recordID = recordID
        self.account = account
        self.cycle = cycle
        self.rule = rule
        self.billedQuantity = billedQuantity
        self.expectedQuantity = expectedQuantity
        self.billedAmount = billedAmount
        self.expectedAmount = expectedAmount
        self.overcharge = overcharge
        self.detail = detail
        self.order = order
    }

    /// For `undercharge`: how much less than allowed was billed.
    public var shortfall: Money { rule == .undercharge ? expectedAmount - billedAmount : .zero }
}

extension RecordKind: Codable {}

extension Money: Codable {
    public init(from decoder: any Decoder) throws {
        micros = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}
