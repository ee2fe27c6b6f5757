/// One billing error (or undercharge) found on one record: a row of findings.csv.gz.
///
/// A run holds every finding until its reports are written — in a set where nearly every row
/// is a finding, ~10M of them — so the stored layout is kept small: fields ordered so padding
/// is not repeated (112 bytes, not 128), and the commonest details held as a `DetailForm`
/// composed from the finding's own quantities when read (`detail`) or written, instead of a
/// heap string of ~80 bytes per finding.
public struct Finding: Sendable, Codable {
    /// Input order (file, chunk, record): decides duplicates, never written.
    public var order: UInt64
    public var billedAmount: Money
    /// What the filed tariffs allow for this record: 0 where nothing is allowed.
    public var expectedAmount: Money
    /// billed − expected for refundable rules; 0 for `undercharge`.
    public var overcharge: Money
    public var recordID: String
    public var account: String
    /// The detail's text when `detailForm` is `.text`; empty otherwise.
    private(set) var detailText: String
    /// Quantities are nil for charges.
    public var billedQuantity: Int64?
    public var kind: RecordKind
    public var rule: Rule
    private(set) var detailForm: DetailForm
    /// YYYYMM.
    public var cycle: Int32
    public var expectedQuantity: Int64?

    public init(
        kind: RecordKind, recordID: String, account: String, cycle: Int32, rule: Rule, billedQuantity: Int64?,
        expectedQuantity: Int64?, billedAmount: Money, expectedAmount: Money, overcharge: Money, detail: String,
        order: UInt64
    ) {
        self.init(
            kind: kind, recordID: recordID, account: account, cycle: cycle, rule: rule, billedQuantity: billedQuantity,
            expectedQuantity: expectedQuantity, billedAmount: billedAmount, expectedAmount: expectedAmount,
            overcharge: overcharge, detailText: detail, detailForm: .text, order: order)
    }

    /// A finding whose detail is `detailText`, or (with `detailText` empty) composed by `detailForm`
    /// from `billedQuantity` and `expectedQuantity`, which it then needs.
    init(
        kind: RecordKind, recordID: String, account: String, cycle: Int32, rule: Rule, billedQuantity: Int64?,
        expectedQuantity: Int64?, billedAmount: Money, expectedAmount: Money, overcharge: Money, detailText: String,
        detailForm: DetailForm, order: UInt64
    ) {
        detailForm.requireHeld(detailText, billed: billedQuantity, expected: expectedQuantity)
        self.order = order
        self.billedAmount = billedAmount
        self.expectedAmount = expectedAmount
        self.overcharge = overcharge
        self.recordID = recordID
        self.account = account
        self.detailText = detailText
        self.billedQuantity = billedQuantity
        self.kind = kind
        self.rule = rule
        self.detailForm = detailForm
        self.cycle = cycle
        self.expectedQuantity = expectedQuantity
    }

    /// The detail column's text.
    public var detail: String {
        get { detailForm.text(held: detailText, billed: billedQuantity ?? 0, expected: expectedQuantity ?? 0) }
        set {
            detailText = newValue
            detailForm = .text
        }
    }

    /// For `undercharge`: how much less than allowed was billed.
    public var shortfall: Money { rule == .undercharge ? expectedAmount - billedAmount : .zero }

    private enum CodingKeys: String, CodingKey {
        case kind, recordID, account, cycle, rule, billedQuantity, expectedQuantity, billedAmount, expectedAmount,
            overcharge, detail, order
    }

    /// The detail is encoded as its text, whatever its form: the encoding is the one of the
    /// fields as they read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(RecordKind.self, forKey: .kind),
            recordID: try container.decode(String.self, forKey: .recordID),
            account: try container.decode(String.self, forKey: .account),
            cycle: try container.decode(Int32.self, forKey: .cycle),
            rule: try container.decode(Rule.self, forKey: .rule),
            billedQuantity: try container.decodeIfPresent(Int64.self, forKey: .billedQuantity),
            expectedQuantity: try container.decodeIfPresent(Int64.self, forKey: .expectedQuantity),
            billedAmount: try container.decode(Money.self, forKey: .billedAmount),
            expectedAmount: try container.decode(Money.self, forKey: .expectedAmount),
            overcharge: try container.decode(Money.self, forKey: .overcharge),
            detail: try container.decode(String.self, forKey: .detail),
            order: try container.decode(UInt64.self, forKey: .order))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(recordID, forKey: .recordID)
        try container.encode(account, forKey: .account)
        try container.encode(cycle, forKey: .cycle)
        try container.encode(rule, forKey: .rule)
        try container.encodeIfPresent(billedQuantity, forKey: .billedQuantity)
        try container.encodeIfPresent(expectedQuantity, forKey: .expectedQuantity)
        try container.encode(billedAmount, forKey: .billedAmount)
        try container.encode(expectedAmount, forKey: .expectedAmount)
        try container.encode(overcharge, forKey: .overcharge)
        try container.encode(detail, forKey: .detail)
        try container.encode(order, forKey: .order)
    }
}

extension Finding: Equatable {
    /// Equal when every field reads the same: a composed detail equals the same text held as text.
    public static func == (a: Finding, b: Finding) -> Bool {
        guard
            a.order == b.order && a.billedAmount == b.billedAmount && a.expectedAmount == b.expectedAmount
                && a.overcharge == b.overcharge && a.recordID == b.recordID && a.account == b.account
                && a.billedQuantity == b.billedQuantity && a.kind == b.kind && a.rule == b.rule && a.cycle == b.cycle
                && a.expectedQuantity == b.expectedQuantity
        else { return false }
        // Same form and the same quantities (compared above) compose the same text.
        if a.detailForm == b.detailForm { return a.detailText == b.detailText }
        return a.detail == b.detail
    }
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
