import Testing

@testable import RecountCore

/// Random calls against a slow, literal reading of DESIGN.md §3.1 `split`, and the agreement
/// of `split` with `start` when no band boundary falls inside the call.
@Suite struct RaterPropertyTests {
    /// Mixed increments, `per` values (1 s, 7 s, 60 s: common denominator 420), fees, bands and
    /// prefixes, filed once per band rule.
    static let yaml = """
        plans:
          - id: MX
            approval: "T-20"
            effective_from: 2026-01-01
            band_rule: split
            voice: &rules
              - destinations: [""]
                steps:
                  - {after: 0s, increment: 30s, rate: 0.12, per: 60s}
                  - {after: 60s, increment: 6s, rate: 0.09, per: 60s}
                  - {after: 600s, increment: 1s, rate: 0.0051, per: 7s}
              - destinations: ["86", "87"]
                bands: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00"}, {days: [sat], from: "10:30", to: "11:15"}]
                connect_fee: 0.07
                steps:
                  - {after: 0s, increment: 60s, rate: 0.30, per: 60s}
                  - {after: 120s, increment: 10s, rate: 0.25, per: 60s}
              - destinations: ["8613"]
                bands: [{days: [sat, sun]}, {days: [wed], from: "17:59", to: "18:01"}]
                connect_fee: 0.013
                steps: [{after: 0s, increment: 1s, rate: 0.0333, per: 1s}]
              - destinations: ["44"]
                bands: [{days: [mon, tue, wed, thu, fri], from: "06:00", to: "23:00"}]
                steps: [{after: 0s, increment: 7s, rate: 0.11, per: 7s}, {after: 14s, increment: 60s, rate: 0.2, per: 60s}]
          - id: MX-START
            approval: "T-21"
            effective_from: 2026-01-01
            voice: *rules
        """

    static let destinations = ["8613912345", "8612345", "8799", "14155550100", "4420", ""]

    /// The rule covering a local instant by a linear scan: longest prefix among covering rules.
    static func ruleAt(_ rules: [VoiceRule], _ destination: String, local: Int64) -> Int? {
        let day = CivilTime.floorDiv(local, 86_400)
        let weekday = CivilTime.weekday(days: day)
        var best: (index: Int, length: Int)?
        for (index, rule) in rules.enumerated() where rule.covers(weekday: weekday, secondOfDay: local - day * 86_400) {
            for prefix in rule.destinations where destination.hasPrefix(prefix) {
                if best == nil || prefix.count > best!.length { best = (index, prefix.count) }
            }
        }
        return best?.index
    }

    /// DESIGN.md §3.1 `split`, literally: cut at every band start or end (of any rule, on any
    /// day: more cuts than needed) and every step `after`; then charge piece by piece, each
    /// rounded up to its own increments and eating into the next. Exact sums via `ExactAmount`.
    static func oracle(_ rules: [VoiceRule], _ destination: String, local: Int64, duration: Int64) -> (
        Int64, ExactAmount
    )? {
        guard let firstRule = ruleAt(rules, destination, local: local) else { return nil }
        if duration == 0 { return (0, .zero) }
        var cuts: Set<Int64> = [0, duration]
        let times = Set(rules.flatMap { $0.bands.flatMap { [$0.from, $0.to] } } + [0])
        var day = CivilTime.floorDiv(local, 86_400)
        while day * 86_400 <= local + duration {
            for time in times where day * 86_400 + time - local > 0 && day * 86_400 + time - local < duration {
                cuts.insert(day * 86_400 + time - local)
            }
            day += 1
        }
        for rule in rules { for step in rule.steps where step.after < duration { cuts.insert(step.after) } }
        let sorted = cuts.sorted()
        var cursor: Int64 = 0
        var quantity: Int64 = 0
        var cost = ExactAmount(rules[firstRule].connectFee)
        for (pieceStart, pieceEnd) in zip(sorted, sorted.dropFirst()) where cursor < pieceEnd {
            let start = max(pieceStart, cursor)
            guard let rule = ruleAt(rules, destination, local: local + start) else { return nil }
            let step = rules[rule].steps.last { $0.after <= start }!
            let charged = (pieceEnd - start + step.increment - 1) / step.increment * step.increment
            quantity += charged
            cost += ExactAmount(step.rate, times: charged, over: step.per)
            cursor = start + charged
        }
        return (quantity, cost)
    }

    @Test func splitMatchesLiteralOracle() throws {
        let catalog = try Fixture.catalog(Self.yaml)
        let rater = Rater(catalog: catalog)
        let rules = catalog.plans.first { $0.id == "MX" }!.voice
        let schedule = catalog.plans.first { $0.id == "MX" }!.voiceTariff.schedule
        var random = SeededGenerator(state: 20_261_005)
        var crossing = 0
        for _ in 0..<3000 {
            // Anywhere in Oct 2026 local time, 0 s to 2 h, biased to short calls.
            let local =
                CivilTime.days(year: 2026, month: 10, day: 1) * 86_400
                + Int64.random(in: 0..<(31 * 86_400), using: &random)
            let duration =
                Bool.random(using: &random)
                ? Int64.random(in: 0...300, using: &random) : Int64.random(in: 0...7200, using: &random)
            let destination = Self.destinations.randomElement(using: &random)!
            let epoch = local - catalog.timezoneOffset
            let got = FieldDecoder.withBytes("MX") { plan in
                FieldDecoder.withBytes(destination) { dest in
                    rater.rate(
                        UsageEvent(
                            planID: plan, service: .voice, start: epoch, durationSeconds: duration, volumeBytes: 0,
                            destination: dest))
                }
            }
            let expected = Self.oracle(rules, destination, local: local, duration: duration)
            if let (quantity, cost) = expected {
                #expect(
                    got == .rated(quantity: quantity, amount: cost.rounded(catalog.precision, catalog.rounding)),
                    "MX \(CivilTime.formatInstantUTC(local)) local, \(duration) s to \(destination)")
                let weekSecond = VoiceTariff.weekSecond(local: local)
                if schedule.end(schedule.segment(weekSecond)) - weekSecond < duration { crossing += 1 }
            } else {
                guard case .unfiled = got else {
                    Issue.record(
                        "expected unfiled: \(CivilTime.formatInstantUTC(local)) local, \(duration) s to \(destination), got \(got)"
                    )
                    continue
                }
            }
        }
        #expect(crossing > 100)  // many calls did cross a band start or end
    }

    /// Calls of days to months: past `piecesBeforeShortcut` pieces the walk skips repeating week
    /// cycles, and must still agree with the literal oracle to the micro.
    @Test func longSplitCallsMatchLiteralOracle() throws {
        let catalog = try Fixture.catalog(Self.yaml)
        let rater = Rater(catalog: catalog)
        let rules = catalog.plans.first { $0.id == "MX" }!.voice
        var random = SeededGenerator(state: 1_000_003)
        var rated = 0
        for index in 0..<160 {
            let local =
                CivilTime.days(year: 2026, month: 10, day: 1) * 86_400
                + (index % 4 == 0
                    ? 9 * 3600 + Int64.random(in: 0..<31, using: &random) * 86_400  // on a band start
                    : Int64.random(in: 0..<(31 * 86_400), using: &random))
            let duration = Int64.random(in: 100_000...10_000_000, using: &random) + (index % 3 == 0 ? 0 : 1)
            let destination = Self.destinations[index % Self.destinations.count]
            let got = FieldDecoder.withBytes("MX") { plan in
                FieldDecoder.withBytes(destination) { dest in
                    rater.rate(
                        UsageEvent(
                            planID: plan, service: .voice, start: local - catalog.timezoneOffset,
                            durationSeconds: duration, volumeBytes: 0, destination: dest))
                }
            }
            if let (quantity, cost) = Self.oracle(rules, destination, local: local, duration: duration) {
                rated += 1
                #expect(
                    got == .rated(quantity: quantity, amount: cost.rounded(catalog.precision, catalog.rounding)),
                    "MX \(CivilTime.formatInstantUTC(local)) local, \(duration) s to \(destination)")
            } else if case .rated = got {
                Issue.record(
                    "expected unfiled: \(CivilTime.formatInstantUTC(local)) local, \(duration) s to \(destination)")
            }
        }
        #expect(rated > 60)
    }

    /// The longest valid calls (18 digits of seconds) on a two-band split plan, by hand: 10^10
    /// whole days from local midnight, each 720 minutes at 0.10 and 720 at 0.05 = 108 a day. They
    /// used to take a piece per band boundary (2·10^10 of them); now they return at once.
    @Test func longestCallsRateByHand() throws {
        let catalog = try Fixture.catalog(
            """
            plans:
              - id: TWO
                approval: "T-2"
                effective_from: 2026-01-01
                band_rule: split
                voice:
                  - destinations: [""]
                    bands: [{from: "00:00", to: "12:00"}]
                    steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]
                  - destinations: [""]
                    bands: [{from: "12:00", to: "24:00"}]
                    steps: [{after: 0s, increment: 60s, rate: 0.05, per: 60s}]
            """)
        let rater = Rater(catalog: catalog)
        let midnight = CivilTime.days(year: 2026, month: 10, day: 1) * 86_400 - catalog.timezoneOffset
        func rate(_ duration: Int64) -> Rating {
            FieldDecoder.withBytes("TWO") { plan in
                FieldDecoder.withBytes("86") { dest in
                    rater.rate(
                        UsageEvent(
                            planID: plan, service: .voice, start: midnight, durationSeconds: duration, volumeBytes: 0,
                            destination: dest))
                }
            }
        }
        let days: Int64 = 10_000_000_000
        #expect(rate(days * 86_400) == .rated(quantity: days * 86_400, amount: Money(micros: days * 108_000_000)))
        // One second more: one more minute at the morning rate.
        #expect(
            rate(days * 86_400 + 1)
                == .rated(quantity: days * 86_400 + 60, amount: Money(micros: days * 108_000_000 + 100_000)))
    }

    @Test func splitEqualsStartWhenNoBoundaryInside() throws {
        let catalog = try Fixture.catalog(Self.yaml)
        let rater = Rater(catalog: catalog)
        let split = catalog.plans.first { $0.id == "MX" }!
        var random = SeededGenerator(state: 42)
        var compared = 0
        for _ in 0..<4000 {
            let local =
                CivilTime.days(year: 2026, month: 10, day: 1) * 86_400
                + Int64.random(in: 0..<(31 * 86_400), using: &random)
            let duration = Int64.random(in: 0...3600, using: &random)
            let destination = Self.destinations.randomElement(using: &random)!
            // No band start or end strictly inside the call (the week segment holds it whole).
            let weekSecond = VoiceTariff.weekSecond(local: local)
            let schedule = split.voiceTariff.schedule
            if schedule.end(schedule.segment(weekSecond)) - weekSecond < duration { continue }
            compared += 1
            let epoch = local - catalog.timezoneOffset
            func rate(_ plan: String) -> Rating {
                FieldDecoder.withBytes(plan) { plan in
                    FieldDecoder.withBytes(destination) { dest in
                        rater.rate(
                            UsageEvent(
                                planID: plan, service: .voice, start: epoch, durationSeconds: duration, volumeBytes: 0,
                                destination: dest))
                    }
                }
            }
            #expect(
                rate("MX") == rate("MX-START"),
                "\(CivilTime.formatInstantUTC(local)) local, \(duration) s to \(destination)")
        }
        #expect(compared > 1000)
    }

    /// The 64-bit rounding fast path agrees with `ExactAmount.rounded` everywhere, including
    /// the slow path's range.
    @Test(arguments: RoundingMode.allCases)
    func fastRoundingMatchesExactAmount(mode: RoundingMode) throws {
        var random = SeededGenerator(state: 7)
        for digits in 0...6 {
            var catalog = TariffCatalog()
            catalog.precision = AmountPrecision(fractionDigits: digits)
            catalog.rounding = mode
            let rater = Rater(catalog: catalog)
            for _ in 0..<2000 {
                let denominator = [1, 7, 60, 420, 1024, 1_000_000_000_000].randomElement(using: &random)!
                let numerator =
                    Bool.random(using: &random)
                    ? Int128(Int64.random(in: 0...10_000_000, using: &random))
                    : Int128(Int64.random(in: 0...Int64.max, using: &random))
                        * Int128(Int64.random(in: 1...1000, using: &random))
                let exact = ExactAmount(numerator: numerator, denominator: Int128(denominator))
                if numerator / Int128(denominator) > Int128(Int64.max / 4) { continue }
                #expect(rater.round(numerator, over: Int64(denominator)) == exact.rounded(catalog.precision, mode))
            }
        }
    }
}
