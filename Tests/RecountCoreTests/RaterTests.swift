import Testing

@testable import RecountCore

/// Hand-computed ratings beyond the §3.4 table. Catalogs are +08:00, 0.001, half_up unless
/// a test says otherwise; 2026-10-05 is a Monday, 2026-10-09 a Friday, 2026-10-11 a Sunday.
@Suite struct RaterTests {
    // MARK: Steps

    @Test func stepBoundaries() throws {
        let rater = Rater(catalog: try Fixture.workedExamples())
        func voice(_ seconds: Int64) -> Rating {
            rater.rate(plan: "S", .voice, start: "2026-10-05T10:00:00", duration: seconds)
        }
        #expect(voice(1) == rated(60, "0.200"))  // one whole first increment
        #expect(voice(59) == rated(60, "0.200"))
        #expect(voice(66) == rated(66, "0.220"))  // exactly one 6 s increment: 6 × 0.20/60 = 0.02
        #expect(voice(67) == rated(72, "0.240"))  // one second past: two 6 s increments = 0.04
        #expect(voice(120) == rated(120, "0.400"))  // 60 + 10 × 6 s: 0.20 + 0.20
    }

    static let threeSteps = """
        plans:
          - id: M
            approval: "T-1"
            effective_from: 2026-01-01
            voice:
              - destinations: [""]
                steps:
                  - {after: 0s, increment: 60s, rate: 0.20, per: 60s}
                  - {after: 1m, increment: 6s, rate: 0.10, per: 1m}
                  - {after: 10m, increment: 60s, rate: 0.05, per: 60}
        """

    @Test func multiStep() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.threeSteps))
        func voice(_ seconds: Int64) -> Rating {
            rater.rate(plan: "M", .voice, start: "2026-10-05T10:00:00", duration: seconds)
        }
        // 60 s (0.20) + 6 s (6 × 0.10/60 = 0.01)
        #expect(voice(65) == rated(66, "0.210"))
        // 60 s (0.20) + 540 s in 6 s steps (0.90) + 1 s → one 60 s increment at 0.05/60 (0.05)
        #expect(voice(601) == rated(660, "1.150"))
        // 60 s (0.20) + 540 s (0.90) + 100 s → 2 × 60 s (0.10)
        #expect(voice(700) == rated(720, "1.200"))
        // exactly on the second step's end: 60 + 540 s
        #expect(voice(600) == rated(600, "1.100"))
    }

    static let perSecond = """
        plans:
          - id: CF
            approval: "T-2"
            effective_from: 2026-01-01
            voice:
              - destinations: [""]
                connect_fee: 0.15
                steps: [{after: 0s, increment: 1s, rate: 0.06, per: 60s}]
          - id: THIRD
            approval: "T-3"
            effective_from: 2026-01-01
            voice:
              - destinations: [""]
                steps: [{after: 0s, increment: 1s, rate: 0.10, per: 60s}]
        """

    @Test func connectFee() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.perSecond))
        func voice(_ seconds: Int64) -> Rating {
            rater.rate(plan: "CF", .voice, start: "2026-10-05T10:00:00", duration: seconds)
        }
        #expect(voice(61) == rated(61, "0.211"))  // 61 × 0.001 + 0.15
        #expect(voice(7) == rated(7, "0.157"))  // 7 × 0.001 + 0.15
        #expect(voice(0) == rated(0, "0.000"))  // unanswered: no connect fee
    }

    /// 0.10 per 60 s charged per second is 0.001666… per second: exact until the one rounding.
    @Test(arguments: [
        ("half_up", Int64(1), "0.002"), ("down", 1, "0.001"), ("up", 1, "0.002"),
        ("half_up", 5, "0.008"), ("up", 5, "0.009"), ("down", 7, "0.011"), ("half_up", 7, "0.012"),
        ("half_up", 3, "0.005"),  // 3 × 0.10 / 60 = 0.005 exactly
    ])
    func roundsOnceExactly(rounding: String, seconds: Int64, amount: String) throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.perSecond, rounding: rounding))
        #expect(
            rater.rate(plan: "THIRD", .voice, start: "2026-10-05T10:00:00", duration: seconds) == rated(seconds, amount)
        )
    }

    // MARK: Bands

    /// Peak charged per started minute with a fee, off-peak per second.
    static let peakPerMinute = """
        plans:
          - id: PK
            approval: "T-4"
            effective_from: 2026-01-01
            band_rule: split
            voice: &rules
              - destinations: [""]
                bands: [{days: [mon, tue, wed, thu, fri], from: "08:00", to: "20:00"}]
                connect_fee: 0.10
                steps: [{after: 0s, increment: 60s, rate: 0.60, per: 60s}]
              - destinations: [""]
                bands: [{days: [mon, tue, wed, thu, fri], to: "08:00"}, {days: [mon, tue, wed, thu, fri], from: "20:00"}, {days: [sat, sun]}]
                steps: [{after: 0s, increment: 1s, rate: 0.001, per: 1s}]
          - id: PK-START
            approval: "T-5"
            effective_from: 2026-01-01
            voice: *rules
        """

    @Test func partialIncrementAtBoundaryAtEarlierRate() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.peakPerMinute))
        // Peak 19:59:50–20:00:00 is 10 s → one 60 s increment at 0.60 (eats to 20:00:50);
        // off-peak 20:00:50–20:01:00 is 10 s → 0.010; fee of the first (peak) piece 0.10.
        #expect(rater.rate(plan: "PK", .voice, start: "2026-10-05T19:59:50", duration: 70) == rated(70, "0.710"))
        // `start`: the whole call at peak: ceil(70/60) = 2 minutes = 1.20, + 0.10.
        #expect(rater.rate(plan: "PK-START", .voice, start: "2026-10-05T19:59:50", duration: 70) == rated(120, "1.300"))
        // Off-peak first: 10 s → 0.010, then peak 60 s → 0.60; no fee (first piece off-peak).
        #expect(rater.rate(plan: "PK", .voice, start: "2026-10-05T07:59:50", duration: 70) == rated(70, "0.610"))
        // Off-peak 10 s, then peak 65 s → 2 minutes (1.20): 130 s, 1.210.
        #expect(rater.rate(plan: "PK", .voice, start: "2026-10-05T07:59:50", duration: 75) == rated(130, "1.210"))
        // `start` off-peak: 75 s at 0.001 = 0.075, no fee.
        #expect(rater.rate(plan: "PK-START", .voice, start: "2026-10-05T07:59:50", duration: 75) == rated(75, "0.075"))
    }

    static let weekdayWeekend = """
        plans:
          - id: WK
            approval: "T-6"
            effective_from: 2026-01-01
            band_rule: split
            voice: &rules
              - destinations: [""]
                bands: [{days: [mon, tue, wed, thu, fri]}]
                steps: [{after: 0s, increment: 60s, rate: 0.30, per: 60s}]
              - destinations: [""]
                bands: [{days: [sat, sun]}]
                steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]
          - id: WK-START
            approval: "T-7"
            effective_from: 2026-01-01
            voice: *rules
        """

    @Test func acrossLocalMidnightIntoAnotherDaysBands() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.weekdayWeekend))
        // Friday 30 s → 60 s at 0.30 (eats to Sat 00:00:30), Saturday 30 s → 60 s at 0.10.
        #expect(rater.rate(plan: "WK", .voice, start: "2026-10-09T23:59:30", duration: 90) == rated(120, "0.400"))
        // The same call given in UTC (15:59:30Z is 23:59:30 at +08:00).
        #expect(rater.rate(plan: "WK", .voice, start: "2026-10-09T15:59:30Z", duration: 90) == rated(120, "0.400"))
        // `start`: all of it at Friday's rate: 2 × 0.30.
        #expect(rater.rate(plan: "WK-START", .voice, start: "2026-10-09T23:59:30", duration: 90) == rated(120, "0.600"))
        // Sunday into Monday wraps the week: 0.10 then 0.30.
        #expect(rater.rate(plan: "WK", .voice, start: "2026-10-11T23:59:30", duration: 90) == rated(120, "0.400"))
        // Friday 23:59:00 for 2 days + 60 s ends Monday 00:00:00: 60 s Friday (0.30) +
        // 172800 s of weekend = 2880 minutes × 0.10 (288.00).
        #expect(
            rater.rate(plan: "WK", .voice, start: "2026-10-09T23:59:00", duration: 172_860) == rated(172_860, "288.300")
        )
    }

    /// §5a: rule choice comes before the 0-second shortcut.
    @Test func zeroSecondsWithNoCoveringRuleIsUnfiled() throws {
        let rater = Rater(
            catalog: try Fixture.catalog(
                """
                plans:
                  - id: PEAK
                    approval: "T-8"
                    effective_from: 2026-01-01
                    band_rule: split
                    voice:
                      - destinations: ["86"]
                        bands: [{days: [mon, tue, wed, thu, fri], from: "08:00", to: "20:00"}]
                        steps: [{after: 0s, increment: 60s, rate: 0.30, per: 60s}]
                """))
        #expect(
            rater.rate(plan: "PEAK", .voice, start: "2026-10-10T21:00:00", duration: 0, destination: "8613")
                == .unfiled(reason: "no voice rule of plan PEAK covers destination 8613 at Sat 21:00"))
        #expect(
            rater.rate(plan: "PEAK", .voice, start: "2026-10-05T10:00:00", duration: 0, destination: "8613")
                == rated(0, "0.000"))
        // Split: the second piece (20:00:30) has no rule, so the whole record is unfiled.
        #expect(
            rater.rate(plan: "PEAK", .voice, start: "2026-10-05T19:59:30", duration: 90, destination: "8613")
                == .unfiled(reason: "no voice rule of plan PEAK covers destination 8613 at Mon 20:00"))
        #expect(
            rater.rate(plan: "PEAK", .voice, start: "2026-10-05T10:00:00", duration: 60, destination: "")
                == .unfiled(reason: "no voice rule of plan PEAK covers an empty destination at Mon 10:00"))
    }

    // MARK: Versions and time zones

    static let versions = """
        plans:
          - id: V
            approval: "T-9"
            effective_from: 2026-01-01
            effective_to: 2026-06-30
            voice: [{destinations: [""], steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]}]
          - id: V
            approval: "T-10"
            effective_from: 2026-07-01
            voice: [{destinations: [""], steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]}]
        """

    @Test func versionInForceAtLocalStartDate() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.versions))
        // Last local minute of v1: the whole 2-minute call is v1 (no cut at the version boundary).
        #expect(rater.rate(plan: "V", .voice, start: "2026-06-30T23:59:00", duration: 120) == rated(120, "0.200"))
        #expect(rater.rate(plan: "V", .voice, start: "2026-07-01T00:00:00", duration: 60) == rated(60, "0.200"))
        // 16:30Z on 06-30 is 00:30 on 07-01 at +08:00: v2, although the UTC date is still 06-30.
        #expect(rater.rate(plan: "V", .voice, start: "2026-06-30T16:30:00Z", duration: 60) == rated(60, "0.200"))
        // 15:59:59Z is 23:59:59 local on 06-30: v1.
        #expect(rater.rate(plan: "V", .voice, start: "2026-06-30T15:59:59Z", duration: 60) == rated(60, "0.100"))
        #expect(
            rater.rate(plan: "V", .voice, start: "2025-12-31T23:00:00", duration: 60)
                == .unfiled(reason: "plan V not in force on 2025-12-31"))
        // 2025-12-31T16:00:00Z is 2026-01-01 00:00 local: in force.
        #expect(rater.rate(plan: "V", .voice, start: "2025-12-31T16:00:00Z", duration: 60) == rated(60, "0.100"))
    }

    /// 150 one-day versions of a plan and of an item, every other day (the version lookup is a
    /// binary search): each day finds its own version, the days between none, and the days
    /// before the first and after the last none.
    @Test func manyVersionsEachFoundOnItsDay() throws {
        let first = CivilTime.days(year: 2026, month: 1, day: 1)
        func date(_ days: Int64) -> String { CivilTime.formatDate(days: days) }
        var plans = "plans:\n"
        var items = "items:\n"
        for version in 0..<150 {
            let day = date(first + 2 * Int64(version))
            let rate = String(format: "0.%03d", version + 1)
            plans += """
                  - id: W
                    approval: "W-\(version)"
                    effective_from: \(day)
                    effective_to: \(day)
                    voice: [{destinations: [""], steps: [{after: 0s, increment: 60s, rate: \(rate), per: 60s}]}]

                """
            items += """
                  - {code: CLIP, name: Caller ID, approval: "C-\(version)", amount: \(rate), effective_from: \(day), effective_to: \(day)}

                """
        }
        let catalog = try Fixture.catalog(plans + items)
        let rater = Rater(catalog: catalog)
        for offset in -1...300 {
            let day = first + Int64(offset)
            let found = offset >= 0 && offset % 2 == 0 && offset < 300
            let expected = String(format: "0.%03d", offset / 2 + 1)
            let rating = rater.rate(plan: "W", .voice, start: date(day) + "T12:00:00", duration: 60)
            #expect(rating == (found ? rated(60, expected) : .unfiled(reason: "plan W not in force on \(date(day))")))
            let item = Array("CLIP".utf8).withUnsafeBytes { catalog.item(code: $0, localDay: day) }
            #expect(item?.amount == (found ? Money(expected) : nil), "\(date(day))")
        }
    }

    @Test func offsetsInRecordsAgainstAPlusEightCatalog() throws {
        let rater = Rater(catalog: try Fixture.workedExamples())
        // One instant written four ways: Monday 19:59:30 at +08:00.
        for start in [
            "2026-10-05T19:59:30", "2026-10-05T19:59:30+08:00", "2026-10-05T11:59:30Z", "2026-10-05T06:59:30-05:00",
        ] {
            #expect(rater.rate(plan: "B", .voice, start: start, duration: 90) == rated(120, "0.450"), "\(start)")
        }
        // Sunday 20:00 at -05:00 is Monday 09:00 at +08:00: peak, 0.30 + 0.05 fee.
        #expect(
            rater.rate(plan: "B-START", .voice, start: "2026-10-04T20:00:00-05:00", duration: 60) == rated(60, "0.350"))
        // Sunday 20:00 local is off-peak: 0.10.
        #expect(rater.rate(plan: "B-START", .voice, start: "2026-10-04T20:00:00", duration: 60) == rated(60, "0.100"))
    }

    // MARK: Destinations

    static let prefixes = """
        plans:
          - id: LP
            approval: "T-11"
            effective_from: 2026-01-01
            voice:
              - {destinations: [""], steps: [{after: 0s, increment: 60s, rate: 0.60, per: 60s}]}
              - {destinations: ["86"], steps: [{after: 0s, increment: 60s, rate: 0.30, per: 60s}]}
              - {destinations: ["8613"], steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]}
              - {destinations: ["861390"], steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]}
              - destinations: ["44"]
                bands: [{days: [mon, tue, wed, thu, fri], from: "08:00", to: "20:00"}]
                steps: [{after: 0s, increment: 60s, rate: 0.90, per: 60s}]
            sms:
              - {destinations: [""], rate: 0.50}
              - {destinations: ["86", "87"], rate: 0.10}
              - {destinations: ["8613"], rate: 0.05}
              - {destinations: ["861390"], rate: 0.01}
          - id: LP2
            approval: "T-12"
            effective_from: 2026-01-01
            voice: [{destinations: ["86"], steps: [{after: 0s, increment: 60s, rate: 0.30, per: 60s}]}]
            sms: [{destinations: ["86"], rate: 0.10}]
        """

    @Test(arguments: [
        ("8613900001", "0.100", "0.010"), ("8613800000", "0.200", "0.050"), ("8612345", "0.300", "0.100"),
        ("86", "0.300", "0.100"), ("861", "0.300", "0.100"), ("14155550100", "0.600", "0.500"), ("", "0.600", "0.500"),
        ("8713", "0.600", "0.100"),
    ])
    func longestPrefixWins(destination: String, voice: String, sms: String) throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.prefixes))
        #expect(
            rater.rate(plan: "LP", .voice, start: "2026-10-05T10:00:00", duration: 60, destination: destination)
                == rated(60, voice))
        #expect(rater.rate(plan: "LP", .sms, start: "2026-10-05T10:00:00", destination: destination) == rated(1, sms))
    }

    @Test func prefixRuleOutsideItsBandFallsBackToShorterPrefix() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.prefixes))
        #expect(
            rater.rate(plan: "LP", .voice, start: "2026-10-05T10:00:00", duration: 60, destination: "4420")
                == rated(60, "0.900"))
        #expect(
            rater.rate(plan: "LP", .voice, start: "2026-10-05T21:00:00", duration: 60, destination: "4420")
                == rated(60, "0.600"))
    }

    @Test func uncoveredDestinations() throws {
        let rater = Rater(catalog: try Fixture.catalog(Self.prefixes))
        #expect(
            rater.rate(plan: "LP2", .voice, start: "2026-10-05T10:00:00", duration: 60, destination: "1415")
                == .unfiled(reason: "no voice rule of plan LP2 covers destination 1415 at Mon 10:00"))
        #expect(
            rater.rate(plan: "LP2", .sms, start: "2026-10-05T10:00:00", destination: "1415")
                == .unfiled(reason: "no sms rule of plan LP2 covers destination 1415"))
        #expect(
            rater.rate(plan: "LP2", .data, start: "2026-10-05T10:00:00", volume: 10)
                == .unfiled(reason: "plan LP2 has no data rule"))
    }

    /// Plans listing the same prefixes share one trie (built once at load); each still rates
    /// with its own prices.
    @Test func sharedDestinationTablesKeepTheirOwnPrices() throws {
        var yaml = "plans:\n"
        for (id, rate) in [("A", "0.10"), ("B", "0.20"), ("C", "0.30")] {
            yaml += """
                  - id: \(id)
                    approval: "T-\(id)"
                    effective_from: 2026-01-01
                    voice:
                      - {destinations: ["86", "1"], steps: [{after: 0s, increment: 60s, rate: \(rate), per: 60s}]}
                      - {destinations: [""], steps: [{after: 0s, increment: 60s, rate: 9, per: 60s}]}
                    sms: [{destinations: ["86"], rate: \(rate)}]

                """
        }
        let rater = Rater(catalog: try Fixture.catalog(yaml))
        for (id, rate) in [("A", "0.100"), ("B", "0.200"), ("C", "0.300")] {
            #expect(
                rater.rate(plan: id, .voice, start: "2026-10-05T10:00:00", duration: 60, destination: "8613")
                    == rated(60, rate))
            #expect(rater.rate(plan: id, .sms, start: "2026-10-05T10:00:00", destination: "8613") == rated(1, rate))
            #expect(
                rater.rate(plan: id, .voice, start: "2026-10-05T10:00:00", duration: 60, destination: "44")
                    == rated(60, "9.000"))
        }
    }

    // MARK: SMS, data, plans

    @Test func smsIsOneMessage() throws {
        let rater = Rater(catalog: try Fixture.workedExamples())
        #expect(rater.rate(plan: "S", .sms, start: "2026-10-05T10:00:00") == rated(1, "0.100"))
    }

    @Test func dataRounding() throws {
        let rater = Rater(catalog: try Fixture.workedExamples())
        func data(_ bytes: Int64) -> Rating {
            rater.rate(plan: "S", .data, start: "2026-10-05T10:00:00", volume: bytes)
        }
        #expect(data(0) == rated(0, "0.000"))  // no volume, no charge
        #expect(data(1) == rated(1024, "0.000"))  // 0.0003 → 0.000
        #expect(data(1024) == rated(1024, "0.000"))
        #expect(data(1025) == rated(2048, "0.001"))  // 0.0006 → 0.001
        #expect(data(1500) == rated(2048, "0.001"))
        // 1 MiB = 1024 increments: 1024 × 0.0003 = 0.3072 → 0.307
        #expect(data(1_048_576) == rated(1_048_576, "0.307"))
    }

    @Test func unfiledPlans() throws {
        let rater = Rater(catalog: try Fixture.workedExamples())
        #expect(
            rater.rate(plan: "", .voice, start: "2026-10-05T10:00:00", duration: 60) == .unfiled(reason: "empty plan"))
        #expect(
            rater.rate(plan: "P09", .voice, start: "2026-10-05T10:00:00", duration: 60)
                == .unfiled(reason: "plan P09 is not filed"))
        // Plan ids compare as exact bytes.
        #expect(rater.rate(plan: "s", .sms, start: "2026-10-05T10:00:00") == .unfiled(reason: "plan s is not filed"))
        #expect(
            rater.rate(plan: "S", .sms, start: "2025-12-31T12:00:00")
                == .unfiled(reason: "plan S not in force on 2025-12-31"))
    }

    /// A rater that does not explain (`recount rate`, the generator) rates exactly the same and
    /// says "unfiled" with an empty reason.
    @Test func quietRaterRatesTheSameWithoutReasons() throws {
        let catalog = try Fixture.workedExamples()
        let explaining = Rater(catalog: catalog)
        let quiet = Rater(catalog: catalog, explains: false)
        let cases: [(String, Service, String, Int64, Int64)] = [
            ("", .voice, "2026-10-05T10:00:00", 60, 0), ("P09", .voice, "2026-10-05T10:00:00", 60, 0),
            ("S", .sms, "2025-12-31T12:00:00", 0, 0), ("S", .sms, "2026-10-05T10:00:00", 0, 0),
            ("S", .voice, "2026-10-05T10:00:00", 61, 0), ("S", .data, "2026-10-05T10:00:00", 0, 1025),
            ("B", .voice, "2026-10-05T19:59:30", 61, 0),
        ]
        var ratedCount = 0
        for (plan, service, start, duration, volume) in cases {
            let loud = explaining.rate(plan: plan, service, start: start, duration: duration, volume: volume)
            let silent = quiet.rate(plan: plan, service, start: start, duration: duration, volume: volume)
            switch loud {
            case .rated:
                ratedCount += 1
                #expect(silent == loud, "\(plan) \(service)")
            case .unfiled(let reason):
                #expect(!reason.isEmpty)
                #expect(silent == .unfiled(reason: ""), "\(plan) \(service)")
            case .unrepresentable:
                Issue.record("no case here is near the bound: \(plan) \(service)")
            }
        }
        #expect(ratedCount == 4)
    }
}

/// One bound on a record's expected amount, whichever path rounds it: `rate: 4, per: 2` and
/// `rate: 2, per: 1` (the same price) rate alike below `Rater.maxExpected` and are both
/// unrepresentable above it (the first used to be refused at 6 trillion while the second was
/// rated: its product fits 64 bits before the division).
@Suite struct ExpectedAmountBoundTests {
    func rating(rate: String, per: String, volume: Int64) throws -> Rating {
        let catalog = try Fixture.catalog(
            """
            plans:
              - id: P
                approval: "X"
                effective_from: 2026-01-01
                data:
                  - {increment: 1, rate: \(rate), per: \(per)}
            """)
        return Rater(catalog: catalog).rate(plan: "P", .data, start: "2026-10-05T10:00:00", volume: volume)
    }

    @Test func samePriceSameAnswer() throws {
        // 2·10^12 bytes at 2 per byte: 4,000,000,000,000 (4·10^18 micros, under the ~4.61·10^18 bound).
        #expect(
            try rating(rate: "4", per: "2", volume: 2_000_000_000_000)
                == .rated(quantity: 2_000_000_000_000, amount: Money(micros: 4_000_000_000_000_000_000)))
        #expect(
            try rating(rate: "2", per: "1", volume: 2_000_000_000_000)
                == .rated(quantity: 2_000_000_000_000, amount: Money(micros: 4_000_000_000_000_000_000)))
        // 3·10^12 bytes: 6·10^12, past the bound, both ways.
        for (rate, per) in [("4", "2"), ("2", "1")] {
            guard case .unrepresentable = try rating(rate: rate, per: per, volume: 3_000_000_000_000) else {
                Issue.record("rate \(rate) per \(per): expected unrepresentable")
                continue
            }
        }
        // At the bound (4,611,686,018,427.387903): 4,611,686,018,427 bytes at 1 each is rated, a byte more is not.
        #expect(
            try rating(rate: "1", per: "1", volume: 4_611_686_018_427)
                == .rated(quantity: 4_611_686_018_427, amount: Money(micros: 4_611_686_018_427_000_000)))
        guard case .unrepresentable = try rating(rate: "1", per: "1", volume: 4_611_686_018_428) else {
            Issue.record("a byte past the bound: expected unrepresentable")
            return
        }
    }
}
