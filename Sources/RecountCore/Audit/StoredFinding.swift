/// A `Finding` as a `FindingBuffer` holds it until the reports are written: the same fields,
/// with record_id and account as `FindingText` — bytes the buffer owns, not `String`s — so
/// nothing at the end of the run allocates, retains or releases per finding, and the two
/// optional quantities as plain integers with one byte saying which are there (an `Int64?` is
/// 9 bytes, and the second one's padding made the finding 112 bytes, not 104). Read in place, by
/// pointer; `finding` is the public value, with texts of its own.
struct StoredFinding {
    var order: UInt64
    var billedAmount: Money
    var expectedAmount: Money
    var overcharge: Money
    var recordID: FindingText
    var account: FindingText
    /// As `Finding`'s: the detail's text when `detailForm` is `.text`, empty otherwise.
    var detailText: String
    /// The quantities, each valid only where `quantities` has its bit (1: billed, 2: expected).
    private var billed: Int64
    private var expected: Int64
    var kind: RecordKind
    var rule: Rule
    var detailForm: DetailForm
    private var quantities: UInt8
    var cycle: Int32

    /// The finding's texts already placed by the buffer that will hold it (`FindingBuffer.text`).
    @inline(__always)
    init(
        kind: RecordKind, recordID: FindingText, account: FindingText, cycle: Int32, rule: Rule, billedQuantity: Int64?,
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
        billed = billedQuantity ?? 0
        expected = expectedQuantity ?? 0
        self.kind = kind
        self.rule = rule
        self.detailForm = detailForm
        quantities = (billedQuantity == nil ? 0 : 1) | (expectedQuantity == nil ? 0 : 2)
        self.cycle = cycle
    }

    /// Quantities are nil for charges.
    var billedQuantity: Int64? { quantities & 1 != 0 ? billed : nil }
    var expectedQuantity: Int64? { quantities & 2 != 0 ? expected : nil }

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
