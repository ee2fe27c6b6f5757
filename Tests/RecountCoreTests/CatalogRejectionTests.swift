import Foundation
import Testing

@testable import RecountCore

/// Every way a catalog is rejected at load (DESIGN.md §2.5, §5a), with its exact message:
/// `FILE: YAML.PATH: reason (line N)`.
@Suite struct CatalogRejectionTests {
    /// A valid plan; each case below breaks one thing. Line 1 is `currency`.
    static func plan(
        voice: String = """
            voice:
              - destinations: ["86"]
                steps:
                  - {after: 0s, increment: 60s, rate: 0.20, per: 60s}
                  - {after: 60s, increment: 6s, rate: 0.20, per: 60s}
        """, extra: String = ""
    ) -> String {
        """
        currency: CNY
        plans:
          - id: P01
            approval: "GX-1"
            effective_from: 2012-01-01
        \(voice)
        \(extra)
        """
    }

    static func expectRejected(_ yaml: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try TariffCatalog.parse(yaml: yaml, path: "c.yaml")
            Issue.record("accepted, expected: \(message)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == message, sourceLocation: sourceLocation)
        }
    }

    @Test func baseIsValid() throws {
        _ = try TariffCatalog.parse(yaml: Self.plan(), path: "c.yaml")
    }

    /// A refund is a small multiple of the overcharge: past 1000 the factor is refused (it also
    /// keeps a run's exact refund sums within 128 bits); 1000 itself is accepted.
    @Test func refundFactorAtMostAThousand() throws {
        Self.expectRejected(
            "currency: CNY\nrefund_factor: 1000.000001\n", "c.yaml: refund_factor: must be at most 1000 (line 2)")
        let catalog = try TariffCatalog.parse(yaml: "currency: CNY\nrefund_factor: 1000\n", path: "c.yaml")
        #expect(catalog.refundFactor == Money(micros: 1_000_000_000))
    }

    // MARK: Ambiguity

    @Test func overlappingPlanVersions() throws {
        do {
            _ = try TariffCatalog.load(path: Fixture.catalogPath("overlapping-versions.yaml"))
            Issue.record("accepted")
        } catch {
            #expect(
                error.description == Fixture.catalogPath("overlapping-versions.yaml")
                    + ": plans[1]: plan P01 version 2012-06-01..open overlaps the version at plans[0] (2012-01-01..2012-12-31) (line 11)"
            )
        }
    }

    @Test func overlappingItemVersions() {
        Self.expectRejected(
            """
            currency: CNY
            items:
              - {code: CLIP, approval: A, amount: 5, effective_from: 2012-01-01}
              - {code: CLIP, approval: B, amount: 4, effective_from: 2013-01-01}
            """,
            "c.yaml: items[1]: item CLIP version 2013-01-01..open overlaps the version at items[0] (2012-01-01..open) (line 4)"
        )
    }

    @Test func overlappingBandsOnSharedPrefix() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86", "87"]
                            bands: [{days: [mon, tue], from: "08:00", to: "20:00"}]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                          - destinations: ["87"]
                            bands: [{days: [tue, wed], from: "19:00"}]
                            steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[1]: shares destination prefix \"87\" with plans[0].voice[0] and their bands overlap (tue 19:00-20:00) (line 10)"
        )
    }

    @Test func disjointBandsOnSharedPrefixAreFine() throws {
        _ = try TariffCatalog.parse(
            yaml: Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            bands: [{days: [mon, tue], from: "08:00", to: "20:00"}]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                          - destinations: ["86"]
                            bands: [{days: [mon, tue], from: "20:00"}, {days: [wed]}]
                            steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]
                    """), path: "c.yaml")
    }

    @Test func twoAllDayRulesForEveryDestination() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - {destinations: [""], steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]}
                          - {destinations: [""], steps: [{after: 0s, increment: 60s, rate: 0.10, per: 60s}]}
                    """),
            "c.yaml: plans[0].voice[1]: shares destination prefix \"\" with plans[0].voice[0] and their bands overlap (every day 00:00-24:00) (line 8)"
        )
    }

    @Test func smsRulesSharingAPrefix() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        sms:
                          - {destinations: ["86"], rate: 0.10}
                          - {destinations: ["1", "86"], rate: 0.20}
                    """),
            "c.yaml: plans[0].sms[1]: shares destination prefix \"86\" with plans[0].sms[0] (line 13)")
    }

    @Test func twoDataRules() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        data:
                          - {increment: 1024, rate: 0.0003, per: 1024}
                          - {increment: 1, rate: 0.0003, per: 1024}
                    """),
            "c.yaml: plans[0].data[1]: a plan takes at most one data rule (data rules have no destinations or bands to tell them apart) (line 13)"
        )
    }

    // MARK: Steps

    @Test func firstStepNotAtZero() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps: [{after: 30s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].steps[0].after: the first step must start at after: 0s (found 30s) (line 8)")
    }

    @Test func stepsNotIncreasing() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps:
                              - {after: 0s, increment: 60s, rate: 0.20, per: 60s}
                              - {after: 0s, increment: 6s, rate: 0.20, per: 60s}
                    """),
            "c.yaml: plans[0].voice[0].steps[1].after: steps must be in increasing order of after (0s follows 0s) (line 10)"
        )
    }

    @Test func stepAfterNotMultipleOfPreviousIncrement() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps:
                              - {after: 0s, increment: 60s, rate: 0.20, per: 60s}
                              - {after: 90s, increment: 6s, rate: 0.20, per: 60s}
                    """),
            "c.yaml: plans[0].voice[0].steps[1].after: 90s is not a multiple of the previous step's increment (60s) (line 10)"
        )
    }

    @Test func zeroIncrement() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps:
                              - {after: 0s, increment: 0s, rate: 0.20, per: 60s}
                    """),
            "c.yaml: plans[0].voice[0].steps[0].increment: must be greater than zero (line 9)")
    }

    @Test func zeroPer() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        data: [{increment: 1024, rate: 0.0003, per: 0}]
                    """),
            "c.yaml: plans[0].data[0].per: must be greater than zero (line 11)")
    }

    @Test func noSteps() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps: []
                    """),
            "c.yaml: plans[0].voice[0].steps: must list at least one step (line 8)")
    }

    // MARK: Bands

    @Test func bandFromNotBeforeTo() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            bands: [{from: "20:00", to: "08:00"}]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].bands[0]: from 20:00 is not before to 08:00 (write a window across midnight as two bands) (line 8)"
        )
    }

    @Test func badDayName() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            bands: [{days: [mon, tues]}]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].bands[0].days[1]: unknown day \"tues\" (expected mon, tue, wed, thu, fri, sat, sun) (line 8)"
        )
    }

    @Test func badTimeOfDay() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            bands: [{from: "8:00"}]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].bands[0].from: \"8:00\" is not a time of day (HH:MM, 00:00 to 24:00) (line 8)")
    }

    // MARK: Fields that do not belong

    @Test func unknownField() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            colour: red
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].colour: unknown field (a voice rule takes only destinations, bands, connect_fee, steps) (line 8)"
        )
    }

    @Test func unknownTopLevelField() {
        Self.expectRejected(
            "currency: CNY\ntimezone_offset: 8\n",
            "c.yaml: timezone_offset: unknown field (the catalog takes only currency, timezone, amount_precision, rounding, refund_factor, confirmation_window, min_confirmation_delay, plans, items) (line 2)"
        )
    }

    @Test func smsRuleWithBands() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        sms:
                          - {destinations: [""], rate: 0.10, bands: [{days: [sat]}]}
                    """),
            "c.yaml: plans[0].sms[0].bands: unknown field (an sms rule takes only destinations, rate) (line 12)")
    }

    @Test func dataRuleWithDestinations() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        data:
                          - {destinations: [""], increment: 1024, rate: 0.0003, per: 1024}
                    """),
            "c.yaml: plans[0].data[0].destinations: unknown field (a data rule takes only increment, rate, per) (line 12)"
        )
    }

    @Test func duplicateKey() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps:
                              - {after: 0s, increment: 60s, rate: 0.20, per: 60s, rate: 0.30}
                    """),
            "c.yaml: plans[0].voice[0].steps[0].rate: duplicate key \"rate\" (first at line 9) (line 9)")
    }

    @Test func duplicateKeyOnSeparateLines() {
        Self.expectRejected(
            """
            currency: CNY
            plans:
              - id: P01
                approval: "GX-1"
                effective_from: 2012-01-01
                approval: "GX-2"
            """,
            "c.yaml: plans[0].approval: duplicate key \"approval\" (first at line 4) (line 6)")
    }

    // MARK: Filing and values

    @Test func missingApproval() throws {
        do {
            _ = try TariffCatalog.load(path: Fixture.catalogPath("missing-approval.yaml"))
            Issue.record("accepted")
        } catch {
            #expect(
                error.description == Fixture.catalogPath("missing-approval.yaml")
                    + ": items[0]: missing field \"approval\" (an item without a filing number is not filed) (line 4)")
        }
    }

    @Test func emptyPlanApproval() {
        Self.expectRejected(
            Self.plan().replacingOccurrences(of: "\"GX-1\"", with: "\"\""),
            "c.yaml: plans[0].approval: empty approval (a plan without a filing number is not filed) (line 4)")
    }

    @Test func tooManyFractionalDigits() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        sms: [{destinations: [""], rate: 0.1234567}]
                    """),
            "c.yaml: plans[0].sms[0].rate: \"0.1234567\" has more than 6 fractional digits (line 11)")
    }

    @Test func notAnAmount() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        sms: [{destinations: [""], rate: 1e-3}]
                    """),
            "c.yaml: plans[0].sms[0].rate: \"1e-3\" is not an amount (digits, optionally a point and up to 6 fractional digits) (line 11)"
        )
    }

    @Test func negativeRate() {
        Self.expectRejected(
            Self.plan(
                extra: """
                        sms: [{destinations: [""], rate: -0.10}]
                    """),
            "c.yaml: plans[0].sms[0].rate: must not be negative (line 11)")
    }

    @Test func badDuration() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["86"]
                            steps: [{after: 0s, increment: 1m30h, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].steps[0].increment: \"1m30h\" is not a duration (like 60s, 24h, 1h30m, or whole seconds; at most 1000000000s) (line 8)"
        )
    }

    @Test func destinationNotDigits() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - destinations: ["+86"]
                            steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0].destinations[0]: a destination prefix must be digits only (\"\" matches every destination) (line 7)"
        )
    }

    @Test func missingDestinations() {
        Self.expectRejected(
            Self.plan(
                voice: """
                        voice:
                          - steps: [{after: 0s, increment: 60s, rate: 0.20, per: 60s}]
                    """),
            "c.yaml: plans[0].voice[0]: missing field \"destinations\" (use [\"\"] to match every destination) (line 7)"
        )
    }

    @Test(arguments: [
        (
            "amount_precision: 0.005",
            "c.yaml: amount_precision: \"0.005\" must be one of 1, 0.1, 0.01, … 0.000001 (line 2)"
        ),
        (
            "amount_precision: 0.0000001",
            "c.yaml: amount_precision: \"0.0000001\" must be one of 1, 0.1, 0.01, … 0.000001 (line 2)"
        ),
        ("timezone: \"+8\"", "c.yaml: timezone: \"+8\" is not a timezone (Z or ±HH:MM, like +08:00) (line 2)"),
        (
            "timezone: Asia/Shanghai",
            "c.yaml: timezone: \"Asia/Shanghai\" is not a timezone (Z or ±HH:MM, like +08:00) (line 2)"
        ),
        ("rounding: nearest", "c.yaml: rounding: \"nearest\" must be up, half_up or down (line 2)"),
        (
            "confirmation_window: 1 day",
            "c.yaml: confirmation_window: \"1 day\" is not a duration (like 60s, 24h, 1h30m, or whole seconds; at most 1000000000s) (line 2)"
        ),
        ("plans: {id: P}", "c.yaml: plans: expected a list (line 2)"),
    ])
    func badSetting(line: String, message: String) {
        Self.expectRejected("currency: CNY\n\(line)\n", message)
    }

    @Test func badDateAndPeriod() {
        Self.expectRejected(
            Self.plan().replacingOccurrences(of: "2012-01-01", with: "2012-02-30"),
            "c.yaml: plans[0].effective_from: \"2012-02-30\" is not a date (YYYY-MM-DD) (line 5)")
        Self.expectRejected(
            Self.plan().replacingOccurrences(
                of: "effective_from: 2012-01-01", with: "effective_from: 2012-01-01\n    effective_to: 2011-12-31"),
            "c.yaml: plans[0].effective_to: 2011-12-31 is before effective_from 2012-01-01 (line 6)")
    }

    @Test func missingCurrencyAndStructure() {
        Self.expectRejected("timezone: Z\n", "c.yaml: missing field \"currency\" (line 1)")
        Self.expectRejected("", "c.yaml: the catalog is empty")
        Self.expectRejected("- 1\n- 2\n", "c.yaml: expected the catalog (a mapping of fields) (line 1)")
        Self.expectRejected(
            "currency: [CNY\n",
            "c.yaml: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence) (line 2)")
    }

    @Test func unreadableFile() {
        Self.expectRejected2(
            path: "/nonexistent/catalog.yaml", "/nonexistent/catalog.yaml: cannot open: No such file or directory")
    }

    static func expectRejected2(path: String, _ message: String) {
        do {
            _ = try TariffCatalog.load(path: path)
            Issue.record("accepted")
        } catch {
            #expect(error.description == message)
        }
    }
}
