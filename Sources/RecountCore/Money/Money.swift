/// An exact money amount in millionths of the currency unit.
///
/// Six fractional digits is the finest grain DESIGN.md allows in records and catalogs,
/// so every parsed amount is held exactly; values that need more precision (a per-second
/// share of a per-minute rate) are `ExactAmount`s until the one rounding per record.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public static let zero = Money(micros: 0)

    public var micros: Int64

    public init(micros: Int64) { self.micros = micros }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros - rhs.micros) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.micros += rhs.micros }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.micros -= rhs.micros }

    /// Parses `-?[0-9]+(\.[0-9]{1,6})?` exactly; nil for anything else or an out-of-range value.
    public init?(_ text: String) {
        var text = text
        guard let value = text.withUTF8({ FieldDecoder.money(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = value
    }

    /// All six digits, for debugging and tests; reports use `ExactAmount.formatted`.
    public var description: String { ExactAmount(self).formatted(AmountPrecision(fractionDigits: 6), .down) }
}

/// How an exact value becomes a written or charged amount. Symmetric for negatives:
/// `up` rounds away from zero, `down` toward zero, `halfUp` halves away from zero.
public enum RoundingMode: String, Sendable, CaseIterable {
    case up
    case halfUp = "half_up"
    case down
}

/// The grain amounts are rounded to: 10^-fractionDigits of the currency unit
/// (`amount_precision: 0.001` → 3 digits).
public struct AmountPrecision: Hashable, Sendable, CustomStringConvertible {
    public let fractionDigits: Int

    public init(fractionDigits: Int) {
        precondition((0...6).contains(fractionDigits), "precision digits must be 0...6")
        self.fractionDigits = fractionDigits
    }

    /// Accepts `1`, `0.1`, `0.01`, … `0.000001` (optionally `1.0`-style trailing zeros are not allowed:
    /// the literal's digits are the written digits).
    public init?(literal: String) {
        let bytes = Array(literal.utf8)
        if bytes == Array("1".utf8) {
            self.init(fractionDigits: 0)
            return
        }
        guard bytes.count >= 3, bytes.count <= 8, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: ".") else {
            return nil
        }
        let digits = bytes[2...]
        guard digits.last == UInt8(ascii: "1"), digits.dropLast().allSatisfy({ $0 == UInt8(ascii: "0") }) else {
            return nil
        }
        self.init(fractionDigits: digits.count)
    }

    /// Size of one grain in micros (0.001 → 1000).
    public var grainMicros: Int64 {
        // A switch, not a loop: the reports ask for it several times per finding.
        switch fractionDigits {
        case 0: 1_000_000
        case 1: 100_000
        case 2: 10_000
        case 3: 1_000
        case 4: 100
        case 5: 10
        default: 1
        }
    }

    public var description: String {
        fractionDigits == 0 ? "1" : "0." + String(repeating: "0", count: fractionDigits - 1) + "1"
    }
}
