import Testing

@testable import RecountCore

@Suite struct MoneyTests {
    @Test func parsesExactly() {
        #expect(Money("12") == Money(micros: 12_000_000))
        #expect(Money("0.15") == Money(micros: 150_000))
        #expect(Money("-3.500") == Money(micros: -3_500_000))
        #expect(Money("0.000001") == Money(micros: 1))
    }

    @Test(arguments: [
        "", "-", ".5", "1.", "1.1234567", "1e3", "+1", "1,5", " 1", "1 ", "--1", "1.2.3", "1234567890123",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(Money(text) == nil)
    }

    // 0.0005 at 0.001: half_up → 0.001, up → 0.001, down → 0.000; symmetric for negatives.
    @Test func roundsAtHalf() {
        let p = AmountPrecision(fractionDigits: 3)
        let half = ExactAmount(Money(micros: 500))
        #expect(half.rounded(p, .halfUp) == Money(micros: 1000))
        #expect(half.rounded(p, .up) == Money(micros: 1000))
        #expect(half.rounded(p, .down) == Money(micros: 0))
        let negativeHalf = ExactAmount(Money(micros: -500))
        #expect(negativeHalf.rounded(p, .halfUp) == Money(micros: -1000))
        #expect(negativeHalf.rounded(p, .up) == Money(micros: -1000))
        #expect(negativeHalf.rounded(p, .down) == Money(micros: 0))
        // 0.0004999… (1/3 of 0.0015) is below half: half_up gives 0.000, up gives 0.001.
        let third = ExactAmount(numerator: 1500, denominator: 3 * 1)  // 500 micros exactly
        #expect(third.rounded(p, .halfUp) == Money(micros: 1000))
        let justBelow = ExactAmount(numerator: 1499, denominator: 3)  // 499.67 micros
        #expect(justBelow.rounded(p, .halfUp) == Money(micros: 0))
        #expect(justBelow.rounded(p, .up) == Money(micros: 1000))
    }

    @Test func formatsWithPrecisionDigits() {
        let p3 = AmountPrecision(fractionDigits: 3)
        #expect(ExactAmount(Money("0.22")!).formatted(p3, .halfUp) == "0.220")
        #expect(ExactAmount(Money("-3.5")!).formatted(p3, .halfUp) == "-3.500")
        #expect(ExactAmount(Money("12")!).formatted(AmountPrecision(fractionDigits: 0), .halfUp) == "12")
        #expect(ExactAmount(Money("0.0004")!).formatted(p3, .halfUp) == "0.000")
        #expect(ExactAmount(Money("-0.0004")!).formatted(p3, .halfUp) == "0.000")
    }

    // 0.20 per 60 s for 1 s = 0.0033333…; ×2 refund of 0.0005 = 0.001.
    @Test func exactRatesAndRefunds() {
        let perSecond = ExactAmount(Money("0.20")!, times: 1, over: 60)
        #expect(perSecond.rounded(AmountPrecision(fractionDigits: 6), .down) == Money(micros: 3333))
        #expect(perSecond.rounded(AmountPrecision(fractionDigits: 6), .up) == Money(micros: 3334))
        let sixtyTimes = ExactAmount(Money("0.20")!, times: 60, over: 60)
        #expect(sixtyTimes == ExactAmount(Money("0.20")!))
        #expect(
            ExactAmount(Money("0.0005")!).times(Money("2")!).formatted(AmountPrecision(fractionDigits: 3), .halfUp)
                == "0.001")
        #expect(
            ExactAmount(Money("0.333")!).times(Money("1.5")!).formatted(AmountPrecision(fractionDigits: 3), .halfUp)
                == "0.500")
    }

    @Test func precisionLiterals() {
        #expect(AmountPrecision(literal: "0.001")?.fractionDigits == 3)
        #expect(AmountPrecision(literal: "0.01")?.fractionDigits == 2)
        #expect(AmountPrecision(literal: "1")?.fractionDigits == 0)
        #expect(AmountPrecision(literal: "0.000001")?.fractionDigits == 6)
        #expect(AmountPrecision(literal: "0.05") == nil)
        #expect(AmountPrecision(literal: "0.0000001") == nil)
        #expect(AmountPrecision(literal: "0.010") == nil)
    }

    /// Whole micros round and multiply in 64 bits; the same value held as a fraction takes the
    /// 128-bit path. Both must agree for every mode and precision, at and around each half.
    @Test func wholeMicrosFastPathsAgreeWithTheFractionPath() {
        let factors = [Money(micros: 2_000_000), Money(micros: 1_500_000), Money(micros: 1), Money(micros: 0)]
        var samples: [Int64] = [
            0, 1, -1, 499, 500, 501, -500, 4_999, 5_000, 5_001, -5_000, 999_999, 1_000_000,
            Int64.max / 4, -(Int64.max / 4),
        ]
        var random = SeededRandom(seed: 5)
        for _ in 0..<300 { samples.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 60)) }
        for micros in samples {
            let whole = ExactAmount(Money(micros: micros))
            let fraction = ExactAmount(numerator: Int128(micros) * 7, denominator: 7)
            for digits in 0...6 {
                let precision = AmountPrecision(fractionDigits: digits)
                for mode in [RoundingMode.halfUp, .up, .down] {
                    #expect(
                        whole.rounded(precision, mode) == fraction.rounded(precision, mode),
                        "\(micros) \(digits) \(mode)")
                }
            }
            for factor in factors {
                #expect(whole.times(factor) == fraction.times(factor), "\(micros) × \(factor.micros)")
            }
        }
        // By hand: 0.0125 is 1.25 cents: 0.01 down and half_up, 0.02 up; -0.015 half_up is -0.02.
        let amount = ExactAmount(Money(micros: 12_500))
        let cents = AmountPrecision(fractionDigits: 2)
        #expect(amount.rounded(cents, .down) == Money(micros: 10_000))
        #expect(amount.rounded(cents, .halfUp) == Money(micros: 10_000))
        #expect(amount.rounded(cents, .up) == Money(micros: 20_000))
        #expect(ExactAmount(Money(micros: -15_000)).rounded(cents, .halfUp) == Money(micros: -20_000))
        #expect(
            ExactAmount(Money(micros: 333)).times(Money(micros: 1_500_000))
                == ExactAmount(numerator: 999, denominator: 2))
    }
}
