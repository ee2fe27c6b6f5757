/// Applies the usage rules of DESIGN.md §4 to one record, all but `duplicate-charge` (a
/// whole-run check the `DuplicateIndex` makes later): re-rates it from the filed tariffs and
/// returns the first rule that applies, in precedence order.
public struct UsageJudge: Sendable {
    public struct Verdict: Equatable {
        public var rule: Rule
        public var expectedQuantity: Int64
        public var expectedAmount: Money
        public var overcharge: Money
        public var detail: String
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
                rule: .unfiledTariff, expectedQuantity: 0, expectedAmount: .zero,
                overcharge: max(billed, .zero), detail: "no plan given")
        }
        let expectedQuantity: Int64
        let expected: Money
        switch rating {
        case .unfiled(let reason):
            // A credit (negative amount) on an unfiled tariff overcharges nothing.
            return Verdict(
                rule: .unfiledTariff, expectedQuantity: 0, expectedAmount: .zero,
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
                rule: .unansweredCharged, expectedQuantity: expectedQuantity, expectedAmount: expected,
                overcharge: billed - expected,
                detail: record.service == .voice
                    ? "unanswered call (0 s) was charged" : "no data used (0 bytes) but charged")
        }
        if billed > expected {
            if record.billedQuantity > expectedQuantity {
                return Verdict(
                    rule: .unitInflation, expectedQuantity: expectedQuantity, expectedAmount: expected,
                    overcharge: billed - expected,
                    detail: Self.unitInflationDetail(record.billedQuantity, record.service, expectedQuantity))
            }
            return Verdict(
                rule: .rateInflation, expectedQuantity: expectedQuantity, expectedAmount: expected,
                overcharge: billed - expected, detail: Self.rateInflationDetail(expectedQuantity, record.service))
        }
        if billed < expected {
            return Verdict(
                rule: .undercharge, expectedQuantity: expectedQuantity, expectedAmount: expected, overcharge: .zero,
                detail: "billed less than the filed tariff allows")
        }
        return nil
    }

    /// `billed 66 s where the tariff rounds to 60`.
    static func unitInflationDetail(_ billed: Int64, _ service: Service, _ expected: Int64) -> String {
        TextComposer.compose(bound: 64 + 2 * ByteCursor.decimalBound) { text in
            text.add("billed ")
            text.add(billed)
            text.add(" ")
            text.add(unit(service))
            text.add(" where the tariff rounds to ")
            text.add(expected)
        }
    }

    /// `charged more than the filed rate for 60 s`.
    static func rateInflationDetail(_ expected: Int64, _ service: Service) -> String {
        TextComposer.compose(bound: 64 + ByteCursor.decimalBound) { text in
            text.add("charged more than the filed rate for ")
            text.add(expected)
            text.add(" ")
            text.add(unit(service))
        }
    }

    private static func unit(_ service: Service) -> StaticString {
        switch service {
        case .voice: return "s"
        case .sms: return "messages"
        case .data: return "bytes"
        }
    }
}
