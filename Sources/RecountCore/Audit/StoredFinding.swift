/// A `Finding` as a `FindingBuffer` holds it until the reports are written: the same fields in
/// the same 112 bytes, with record_id and account as `FindingText` — bytes the buffer owns,
/// not `String`s — so nothing at the end of the run allocates, retains or releases per finding.
/// Read in place, by pointer; `finding` is the public value, with texts of its own.
struct StoredFinding {
    var order: UInt64
    var billedAmount: Money
    var expectedAmount: Money
    var overcharge: Money
    var recordID: FindingText
    var account: FindingText
    /// As `Finding`'s: the detail's text when `detailForm` is `.text`, empty otherwise.
    var detailText: String
    var billedQuantity: Int64?
    var kind: RecordKind
    var rule: Rule
    var detailForm: DetailForm
    var cycle: Int32
    var expectedQuantity: Int64?

    /// The finding's texts already placed by the buffer that will hold it (`FindingBuffer.text`).
    @inline(__always)
    init(
        kind: RecordKind, recordID: FindingText, account: FindingText, cycle: Int32, rule: Rule, billedQuantity: Int64?,
        expectedQuantity: Int64?, billedAmount: Money, expectedAmount: Money, overcharge: Money, detailText: String,
        detailForm: DetailForm, order: UInt64
    ) {
        precondition(
            detailForm == .text || (detailText.isEmpty && billedQuantity != nil && expectedQuantity != nil),
            "a composed detail needs both quantities and no text")
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
    var detail: String {
        detailForm.text(held: detailText, billed: billedQuantity ?? 0, expected: expectedQuantity ?? 0)
    }

    /// For `undercharge`: how much less than allowed was billed.
    var shortfall: Money { rule == .undercharge ? expectedAmount - billedAmount : .zero }

    /// The public value, its texts copied out of the buffer.
    var finding: Finding {
        Finding(
            kind: kind, recordID: recordID.string, account: account.string, cycle: cycle, rule: rule,
            billedQuantity: billedQuantity, expectedQuantity: expectedQuantity, billedAmount: billedAmount,
            expectedAmount: expectedAmount, overcharge: overcharge, detailText: detailText, detailForm: detailForm,
            order: order)
    }
}
