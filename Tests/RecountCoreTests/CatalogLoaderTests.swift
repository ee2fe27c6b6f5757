import Testing

@testable import RecountCore

/// Loading catalogs: settings, defaults, value grammars, versions and items.
@Suite struct CatalogLoaderTests {
    @Test func loadsWorkedExamples() throws {
        let catalog = try Fixture.workedExamples()
        #expect(catalog.currency == "CNY")
        #expect(catalog.timezoneOffset == 8 * 3600)
        #expect(catalog.precision == AmountPrecision(fractionDigits: 3))
        #expect(catalog.rounding == .halfUp)
        #expect(catalog.refundFactor == money("2"))
        #expect(catalog.confirmationWindow == 86_400)
        #expect(catalog.minConfirmationDelay == 0)
        #expect(catalog.plans.map(\.id) == ["B", "B-START", "S"])
        let s = catalog.plans[2]
        #expect(s.approval == "WX-2026-0001")
        #expect(s.bandRule == .start)
        #expect(
            s.voice[0].steps == [
                Step(after: 0, increment: 60, rate: money("0.20"), per: 60),
                Step(after: 60, increment: 6, rate: money("0.20"), per: 60),
            ])
        #expect(s.data?.rate == Money(micros: 300))
        #expect(catalog.plans[0].bandRule == .split)
        #expect(catalog.plans[0].voice[1].bands.count == 3)
        #expect(catalog.plans[0].voice[0].connectFee == money("0.05"))
        #expect(catalog.path.hasSuffix("worked-examples.yaml"))
    }

    @Test func defaults() throws {
        let catalog = try TariffCatalog.parse(
            yaml: """
                currency: EUR
                plans:
                  - id: P
                    approval: A
                    effective_from: 2020-01-01
                    voice: [{destinations: [""], steps: [{after: 0, increment: 60, rate: 1, per: 60}]}]
                items:
                  - {code: X, approval: B, amount: 1, effective_from: 2020-01-01}
                """, path: "d.yaml")
        #expect(catalog.timezoneOffset == 0)
        #expect(catalog.precision == AmountPrecision(fractionDigits: 2))
        #expect(catalog.rounding == .halfUp)
        #expect(catalog.refundFactor == money("2"))
        #expect(catalog.confirmationWindow == 86_400)
        #expect(catalog.minConfirmationDelay == 0)
        #expect(catalog.plans[0].bandRule == .start)
        #expect(catalog.plans[0].effectiveTo == nil)
        #expect(catalog.plans[0].voice[0].connectFee == .zero)
        #expect(catalog.plans[0].voice[0].bands == [Band.always])
        #expect(catalog.items[0].requiresSubscription == false)
    }

    @Test(arguments: [
        ("60s", Int64(60)), ("24h", 86_400), ("1h30m", 5400), ("90", 90), ("0s", 0), ("2m", 120), ("1h2m3s", 3723),
        ("0", 0),
    ])
    func durations(text: String, seconds: Int64) {
        #expect(CatalogGrammar.duration(text) == seconds)
    }

    @Test(arguments: ["", "s", "1m30h", "1.5h", "-5s", "60 s", "1d", "1h1h", "60S", "99999999999s"])
    func badDurations(text: String) {
        #expect(CatalogGrammar.duration(text) == nil)
    }

    @Test func settingsAreReadAsText() throws {
        let catalog = try TariffCatalog.parse(
            yaml: """
                currency: CNY
                timezone: -05:30
                amount_precision: 0.000001
                rounding: down
                refund_factor: 1.5
                confirmation_window: 1h30m
                min_confirmation_delay: 30
                """, path: "t.yaml")
        #expect(catalog.timezoneOffset == -(5 * 3600 + 30 * 60))
        #expect(catalog.precision == AmountPrecision(fractionDigits: 6))
        #expect(catalog.rounding == .down)
        #expect(catalog.refundFactor == money("1.5"))
        #expect(catalog.confirmationWindow == 5400)
        #expect(catalog.minConfirmationDelay == 30)
        #expect(catalog.plans.isEmpty && catalog.items.isEmpty)
        let utc = try TariffCatalog.parse(yaml: "currency: CNY\ntimezone: Z\namount_precision: 1\n", path: "z.yaml")
        #expect(utc.timezoneOffset == 0)
        #expect(utc.precision == AmountPrecision(fractionDigits: 0))
    }

    /// 0.1 + 0.2 style float noise must not exist: 0.000001-grained rates stay exact.
    @Test func ratesAreExactDecimals() throws {
        let catalog = try Fixture.catalog(
            """
            plans:
              - id: P
                approval: A
                effective_from: 2020-01-01
                voice: [{destinations: [""], steps: [{after: 0s, increment: 1s, rate: 0.300001, per: 1s}]}]
                sms: [{destinations: [""], rate: 0.1}]
            """)
        #expect(catalog.plans[0].voice[0].steps[0].rate == Money(micros: 300_001))
        #expect(catalog.plans[0].sms[0].rate == Money(micros: 100_000))
    }

    static let items = """
        items:
          - code: CLIP
            name: Caller ID display
            approval: "GX-2012-0100"
            amount: 5.00
            effective_from: 2012-01-01
            effective_to: 2012-12-31
          - code: CLIP
            approval: "GX-2013-0007"
            amount: 4.50
            effective_from: 2013-01-01
          - code: SP-GAME
            approval: "GX-2012-0200"
            amount: 10
            effective_from: 2012-03-01
            requires_subscription: true
        """

    @Test func itemLookupByCodeAndLocalDay() throws {
        let catalog = try Fixture.catalog(Self.items)
        func item(_ code: String, _ date: String) -> ItemVersion? {
            let day = CatalogGrammar.date(date)!
            return FieldDecoder.withBytes(code) { catalog.item(code: $0, localDay: day) }
        }
        #expect(item("CLIP", "2012-12-31")?.amount == money("5"))
        #expect(item("CLIP", "2012-12-31")?.name == "Caller ID display")
        #expect(item("CLIP", "2013-01-01")?.amount == money("4.5"))
        #expect(item("CLIP", "2011-12-31") == nil)
        #expect(item("SP-GAME", "2012-02-29") == nil)
        #expect(item("SP-GAME", "2012-03-01")?.requiresSubscription == true)
        #expect(item("NOPE", "2012-03-01") == nil)
        #expect(FieldDecoder.withBytes("CLIP") { catalog.hasItem(code: $0) })
        #expect(!FieldDecoder.withBytes("CLI") { catalog.hasItem(code: $0) })
        // Local day of an instant at +08:00: 2012-12-31T16:00:00Z is 2013-01-01 local.
        let epoch = FieldDecoder.withBytes("2012-12-31T16:00:00Z") { FieldDecoder.timestamp($0, defaultOffset: 0) }!
        #expect(catalog.localDay(epoch) == CatalogGrammar.date("2013-01-01"))
    }

    @Test func manyPlansAndPrefixesLoad() throws {
        // 300 plans × 40 prefixes each: the hash table and tries are built once at load.
        var yaml = "currency: CNY\nplans:\n"
        for plan in 0..<300 {
            yaml += "  - id: P\(plan)\n    approval: A\(plan)\n    effective_from: 2020-01-01\n    voice:\n"
            for prefix in 0..<40 {
                yaml +=
                    "      - {destinations: [\"\(860 + prefix)\(plan)\"], steps: [{after: 0s, increment: 1s, rate: 0.0\(prefix % 10), per: 60s}]}\n"
            }
        }
        let rater = Rater(catalog: try TariffCatalog.parse(yaml: yaml, path: "big.yaml"))
        let got = FieldDecoder.withBytes("P123") { plan in
            FieldDecoder.withBytes("87712399") { dest in
                rater.rate(
                    UsageEvent(
                        planID: plan, service: .voice, start: 1_700_000_000, durationSeconds: 60, volumeBytes: 0,
                        destination: dest))
            }
        }
        // prefix 877123 is number 17 → rate 0.07 per minute.
        #expect(got == rated(60, "0.07"))
    }
}
