/// An exact rational amount of micros: `numerator / denominator` micros, denominator > 0.
///
/// Rating adds terms like `n × increment × rate / per` whose value is not a whole number of
/// micros (0.20 per 60 s charged for 1 s); they stay exact here until `rounded` is applied once.
///
/// Values are not reduced on every operation (a gcd per rated record would cost more than the
/// rating): equality compares cross products, and `+` reduces only when the denominator grows large.
public struct ExactAmount: Equatable, Sendable {
    public private(set) var numerator: Int128
    public private(set) var denominator: Int128

    public static let zero = ExactAmount(numerator: 0, denominator: 1)

    public init(_ money: Money) {
        numerator = Int128(money.micros)
        denominator = 1
    }

    public init(numerator: Int128, denominator: Int128) {
        precondition(denominator != 0, "denominator must not be zero")
        let sign: Int128 = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator
        self.denominator = sign * denominator
    }

    public static func == (lhs: ExactAmount, rhs: ExactAmount) -> Bool {
        lhs.numerator * rhs.denominator == rhs.numerator * lhs.denominator
    }

    /// The same value with numerator and denominator divided by their gcd.
    public func reduced() -> ExactAmount {
        let divisor = Int128(Self.gcd(numerator.magnitude, denominator.magnitude))
        return ExactAmount(numerator: numerator / divisor, denominator: denominator / divisor)
    }

    /// `money × multiplier / divisor`, exactly (`rate × seconds / per`).
    public init(_ money: Money, times multiplier: Int64, over divisor: Int64) {
        self.init(numerator: Int128(money.micros) * Int128(multiplier), denominator: Int128(divisor))
    }

    public static func + (lhs: ExactAmount, rhs: ExactAmount) -> ExactAmount {
        if lhs.denominator == rhs.denominator {
            return ExactAmount(numerator: lhs.numerator + rhs.numerator, denominator: lhs.denominator)
        }
        let sum = ExactAmount(
            numerator: lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator,
            denominator: lhs.denominator * rhs.denominator)
        return sum.denominator > (1 << 60) ? sum.reduced() : sum
    }

    public static func += (lhs: inout ExactAmount, rhs: ExactAmount) { lhs = lhs + rhs }

    /// `self × factor`, exactly (refund = refund_factor × overcharge).
    public func times(_ factor: Money) -> ExactAmount {
        // Whole micros times a factor like 2 or 1.5 is usually whole micros again: no gcd needed
        // (the value is the same either way; only its representation differs).
        if denominator == 1 {
            let product = numerator * Int128(factor.micros)
            if product % Int128(Money.scale) == 0 {
                return ExactAmount(numerator: product / Int128(Money.scale), denominator: 1)
            }
        }
        return ExactAmount(numerator: numerator * Int128(factor.micros), denominator: denominator * Int128(Money.scale))
            .reduced()
    }

    /// The one rounding: to a whole number of `precision` grains, symmetric for negatives. The
    /// value must fit `Money` (a record's amounts do; sums use `roundedMicros`).
    public func rounded(_ precision: AmountPrecision, _ mode: RoundingMode) -> Money {
        if denominator == 1, let micros = Int64(exactly: numerator), micros != .min {
            return Self.rounded(micros, precision, mode)
        }
        return Money(micros: Int64(roundedMicros(precision, mode)))
    }

    /// `rounded`, in 128-bit micros: for sums and their refunds, which may not fit `Money`.
    public func roundedMicros(_ precision: AmountPrecision, _ mode: RoundingMode) -> Int128 {
        let grain = Int128(precision.grainMicros)
        let micros = Int128(Self.grains(numerator.magnitude, (denominator * grain).magnitude, mode)) * grain
        return numerator < 0 ? -micros : micros
    }

    /// `ExactAmount(Money(micros: micros)).rounded(precision, mode)`, in 64-bit arithmetic when
    /// the magnitude fits 63 bits (every billed amount; report rows round four amounts each).
    @inline(__always)
    public static func rounded(_ micros: Int64, _ precision: AmountPrecision, _ mode: RoundingMode) -> Money {
        guard micros != .min else { return ExactAmount(Money(micros: micros)).rounded(precision, mode) }
        let grain = precision.grainMicros
        let rounded = Int64(Self.grains(micros.magnitude, UInt64(grain), mode)) * grain
        return Money(micros: micros < 0 ? -rounded : rounded)
    }

    /// `magnitude / divisor` rounded by `mode`.
    @inline(__always)
    private static func grains<T: UnsignedInteger>(_ magnitude: T, _ divisor: T, _ mode: RoundingMode) -> T {
        var grains = magnitude / divisor
        let remainder = magnitude % divisor
        switch mode {
        case .down: break
        case .up: if remainder != 0 { grains += 1 }
        case .halfUp: if remainder * 2 >= divisor { grains += 1 }
        }
        return grains
    }

    /// Rounded once and written with exactly the precision's digits (`0.220`, `-3.500`, `12`).
    public func formatted(_ precision: AmountPrecision, _ mode: RoundingMode) -> String {
        let micros = roundedMicros(precision, mode)
        var text = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        text += String(magnitude / UInt128(Money.scale))
        if precision.fractionDigits > 0 {
            var fraction = String(magnitude % UInt128(Money.scale))
            fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
            text += "." + fraction.prefix(precision.fractionDigits)
        }
        return text
    }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }
}
