/// Applies the usage rules of DESIGN.md §4 to one record, all but `duplicate-charge` (a
/// whole-run check the `DuplicateIndex` makes later): re-rates it from the filed tariffs and
/// returns the first rule that applies, in precedence order.
public struct UsageJudge: Sendable {
    public struct Verdict: Equatable {
        public var rule: Rule
        /// The record's, as billed.
        public var billedQuantity: Int64
        public var expectedQuantity: Int64
        public var expectedAmount: Money
        public var overcharge: Money
        /// The detail's text when `detailForm` is `.text`, else empty (`Finding` holds it alike).
        var detailText: String
        var detailForm: DetailForm

        init(
            rule: Rule, billedQuantity: Int64, expectedQuantity: Int64, expectedAmount: Money, overcharge: Money,
            detail: String
        ) {
            self.init(
                rule: rule, billedQuantity: billedQuantity, expectedQuantity: expectedQuantity,
                expectedAmount: expectedAmount, overcharge: overcharge, detailText: detail, detailForm: .text)
        }

        init(
            rule: Rule, billedQuantity: Int64, expectedQuantity: Int64, expectedAmount: Money, overcharge: Money,
            detailText: String = "", detailForm: DetailForm
        ) {
            self.rule = rule
            self.billedQuantity = billedQuantity
            self.expectedQuantity = expectedQuantity
            self.expectedAmount = expectedAmount
            self.overcharge = overcharge
            self.detailText = detailText
            self.detailForm = detailForm
        }

        public var detail: String {
            detailForm.text(held: detailText, billed: billedQuantity, expected: expectedQuantity)
        }
    }

    public let rater: Rater

    public init(rater: Rater) { self.rater = rater }

    /// nil when the record is clean. Strings are built only for findings. Throws (a reject)
    /// when the expected amount is beyond what one record can be rated to exactly.
    @inline(__always)
    public func judge(_ record: UsageRecord) throws(RowError) -> Verdict? {
        judge(record, rating: try rating(record))
    }

    /// The record's rating (nil without a plan); throws the reject of an expected amount past
    /// `Rater.maxExpected`. Separate from `judge(_:rating:)` so the audit can reject a record
    /// before the duplicate index sees it, and judge it after.
    @inline(__always)
    public func rating(_ record: UsageRecord) throws(RowError) -> Rating? {
        if record.plan.isEmpty { return nil }
        let rating = rater.rate(record.event)
        if case .unrepresentable(let reason) = rating { throw RowError("row", reason) }
        return rating
    }

    /// nil when the record is clean, given its `rating(_:)` (which has already rejected an
    /// unrepresentable rating: passing one here is a programming error, never a silent "clean").
    @inline(__always)
    public func judge(_ record: UsageRecord, rating: Rating?) -> Verdict? {
        let billed = record.billedAmount
        guard let rating else {
            return Verdict(
                rule: .unfiledTariff, billedQuantity: record.billedQuantity, expectedQuantity: 0, expectedAmount: .zero,
                overcharge: max(billed, .zero), detail: "no plan given")
        }
        let expectedQuantity: Int64
        let expected: Money
        switch rating {
        case .unfiled(let reason):
            // A credit (negative amount) on an unfiled tariff overcharges nothing.
            return Verdict(
                rule: .unfiledTariff, billedQuantity: record.billedQuantity, expectedQuantity: 0, expectedAmount: .zero,
                overcharge: max(billed, .zero), detail: reason)
        case .unrepresentable:
            preconditionFailure("judge(_:rating:) given an unrepresentable rating: take the rating from rating(_:)")
        case .rated(let quantity, let amount):
            expectedQuantity = quantity
            expected = amount
        }
        let unanswered =
            (record.service == .voice && record.durationSeconds == 0)
            || (record.service == .data && record.volumeBytes == 0)
        if unanswered, billed > .zero {
            return Verdict(
                rule: .unansweredCharged, billedQuantity: record.billedQuantity, expectedQuantity: expectedQuantity,
                expectedAmount: expected,
                overcharge: billed - expected,
                detail: record.service == .voice
                    ? "unanswered call (0 s) was charged" : "no data used (0 bytes) but charged")
        }
        if billed > expected {
            if record.billedQuantity > expectedQuantity {
                return Verdict(
                    rule: .unitInflation, billedQuantity: record.billedQuantity, expectedQuantity: expectedQuantity,
                    expectedAmount: expected, overcharge: billed - expected,
                    detailForm: .unitInflation(record.service))
            }
            return Verdict(
                rule: .rateInflation, billedQuantity: record.billedQuantity, expectedQuantity: expectedQuantity,
                expectedAmount: expected, overcharge: billed - expected, detailForm: .rateInflation(record.service))
        }
        if billed < expected {
            return Verdict(
                rule: .undercharge, billedQuantity: record.billedQuantity, expectedQuantity: expectedQuantity,
                expectedAmount: expected, overcharge: .zero,
                detail: "billed less than the filed tariff allows")
        }
        return nil
    }

}
