/// An exact sum of amounts, in millionths of the currency unit: the refund ledger's and the
/// summary's totals. 128 bits, so no run overflows it: every amount is below 2^63 micros, and
/// 2^64 of them would still fit. (A record's amount is at most 12 integer digits, ~2^60 micros:
/// eight of them could overflow a 64-bit sum.)
public struct MoneySum: Hashable, Comparable, Sendable, Codable {
    public var micros: Int128

    public static let zero = MoneySum(micros: 0)

    public init(micros: Int128) { self.micros = micros }

    public init(_ money: Money) { micros = Int128(money.micros) }

    public static func < (lhs: MoneySum, rhs: MoneySum) -> Bool { lhs.micros < rhs.micros }
    public static func + (lhs: MoneySum, rhs: MoneySum) -> MoneySum { MoneySum(micros: lhs.micros + rhs.micros) }
    public static func += (lhs: inout MoneySum, rhs: MoneySum) { lhs.micros += rhs.micros }
    public static func += (lhs: inout MoneySum, rhs: Money) { lhs.micros += Int128(rhs.micros) }

    /// The sum as `Money` when it fits 64 bits (every realistic one): the reports' fast paths.
    public var money: Money? { Int64(exactly: micros).map { Money(micros: $0) } }
}

extension ExactAmount {
    public init(_ sum: MoneySum) { self.init(numerator: sum.micros, denominator: 1) }
}
