import Testing

@testable import RecountCore

/// DESIGN.md §4 charge rules, their precedence, and §5a "Licences" / "Items" through `ChargeJudge`.
@Suite struct ChargeRulesTests {
    static let catalogYAML = """
        currency: CNY
        timezone: "+08:00"
        amount_precision: 0.01
        confirmation_window: 24h
        min_confirmation_delay: 60s
        items:
          - {code: CLIP, name: Caller ID, approval: "GX-2025-1", amount: 5.00, effective_from: 2025-01-01, effective_to: 2026-06-30}
          - {code: CLIP, name: Caller ID, approval: "GX-2026-2", amount: 6.00, effective_from: 2026-07-01}
          - {code: MUSIC, name: Music club, approval: "GX-2026-3", amount: 10.00, effective_from: 2026-01-01, requires_subscription: true}
          - {code: OLD, name: Retired, approval: "GX-2020-4", amount: 1.00, effective_from: 2020-01-01, effective_to: 2020-12-31}
        """

    static func catalog() throws -> TariffCatalog {
        try TariffCatalog.parse(yaml: catalogYAML, path: "charge-rules-tests.yaml")
    }

    let judge: ChargeJudge

    init() throws {
        let at = ChargeFixture.instant
        var providers = ProviderRegistryBuilder()
        providers.add(
            provider: "SP1", licence: "B2-1", validFrom: ChargeFixture.day("2026-01-01"),
            validTo: ChargeFixture.day("2026-12-31"))
        providers.add(provider: "SP2", licence: "", validFrom: ChargeFixture.day("2026-01-01"), validTo: nil)
        providers.add(
            provider: "SP3", licence: "B2-3", validFrom: ChargeFixture.day("2026-01-01"),
            validTo: ChargeFixture.day("2026-03-31"))
        var orders = SubscriptionIndexBuilder()
        // A1: confirmed after 5 minutes, active.
        orders.add(
            account: "A1", provider: "SP1", serviceCode: "M1", orderedAt: at("2026-03-01T10:00:00"),
            confirmedAt: at("2026-03-01T10:05:00"), cancelledAt: nil)
        orders.add(
            account: "A1", provider: "SP3", serviceCode: "M3", orderedAt: at("2026-03-01T10:00:00"),
            confirmedAt: at("2026-03-01T10:05:00"), cancelledAt: nil)
        // A2: never confirmed.
        orders.add(
            account: "A2", provider: "SP1", serviceCode: "M1", orderedAt: at("2026-03-01T10:00:00"),
            confirmedAt: nil, cancelledAt: nil)
        // A3: confirmed, cancelled on the 10th at midnight.
        orders.add(
            account: "A3", provider: "SP1", serviceCode: "M1", orderedAt: at("2026-03-01T10:00:00"),
            confirmedAt: at("2026-03-01T10:05:00"), cancelledAt: at("2026-03-10T00:00:00"))
        // A4: "confirmed" 30 s after the order, under min_confirmation_delay.
        orders.add(
            account: "A4", provider: "SP1", serviceCode: "M1", orderedAt: at("2026-03-01T10:00:00"),
            confirmedAt: at("2026-03-01T10:00:30"), cancelledAt: nil)
        let catalog = try Self.catalog()
        judge = ChargeJudge(
            catalog: catalog,
            subscriptions: orders.build(window: catalog.confirmationWindow, minDelay: catalog.minConfirmationDelay),
            providers: providers.build())
    }

    func verdict(
        _ code: String, _ amount: String, at: String, account: String = "A1", provider: String = "",
        service: String = ""
    ) -> ChargeJudge.Verdict? {
        ChargeFixture.withCharge(
            code: code, amount: amount, at: at, account: account, provider: provider, serviceCode: service
        ) { judge.judge($0) }
    }

    func rule(
        _ code: String, _ amount: String, at: String, account: String = "A1", provider: String = "",
        service: String = ""
    ) -> Rule? {
        verdict(code, amount, at: at, account: account, provider: provider, service: service)?.rule
    }

    // MARK: clean charges

    @Test func filedAmountOrLessIsClean() {
        #expect(verdict("CLIP", "5.00", at: "2026-03-05T12:00:00") == nil)
        #expect(verdict("CLIP", "4.00", at: "2026-03-05T12:00:00") == nil)
        #expect(verdict("CLIP", "-5.00", at: "2026-03-05T12:00:00") == nil)
        #expect(verdict("MUSIC", "10.00", at: "2026-03-05T12:00:00", provider: "SP1", service: "M1") == nil)
    }

    // MARK: unfiled-item

    @Test func unfiledItem() throws {
        let unknown = try #require(verdict("NOPE", "3.00", at: "2026-03-05T12:00:00"))
        #expect(unknown.rule == .unfiledItem)
        #expect(unknown.expectedAmount == .zero)
        #expect(unknown.overcharge == ChargeFixture.money("3.00"))
        #expect(unknown.detail == "item NOPE is not filed")
        let retired = try #require(verdict("OLD", "1.00", at: "2026-03-05T12:00:00"))
        #expect(retired.rule == .unfiledItem)
        #expect(retired.detail == "item OLD is not in force on 2026-03-05")
        #expect(rule("", "1.00", at: "2026-03-05T12:00:00") == .unfiledItem)
        // Not yet in force: MUSIC starts 2026-01-01 (local).
        #expect(rule("MUSIC", "10.00", at: "2025-12-31T23:59:59", provider: "SP1", service: "M1") == .unfiledItem)
    }

    @Test func aCreditOnAnUnfiledItemOverchargesNothing() throws {
        let credit = try #require(verdict("NOPE", "-3.00", at: "2026-03-05T12:00:00"))
        #expect(credit.rule == .unfiledItem)
        #expect(credit.overcharge == .zero)
    }

    // MARK: item versions

    @Test func lastDayOfTheFirstVersionAgainstFirstDayOfTheSecond() throws {
        let lastDay = try #require(verdict("CLIP", "6.00", at: "2026-06-30T23:59:59"))
        #expect(lastDay.rule == .itemOverpriced)
        #expect(lastDay.expectedAmount == ChargeFixture.money("5.00"))
        #expect(lastDay.overcharge == ChargeFixture.money("1.00"))
        #expect(verdict("CLIP", "6.00", at: "2026-07-01T00:00:00") == nil)
        // The same instants written in UTC: the local date decides the version.
        #expect(rule("CLIP", "6.00", at: "2026-06-30T15:59:59Z") == .itemOverpriced)
        #expect(verdict("CLIP", "6.00", at: "2026-06-30T16:00:00Z") == nil)
        #expect(rule("CLIP", "6.01", at: "2026-07-01T00:00:00") == .itemOverpriced)
    }

    // MARK: item-overpriced

    @Test func itemOverpriced() throws {
        let over = try #require(verdict("MUSIC", "12.50", at: "2026-03-05T12:00:00", provider: "SP1", service: "M1"))
        #expect(over.rule == .itemOverpriced)
        #expect(over.expectedAmount == ChargeFixture.money("10.00"))
        #expect(over.overcharge == ChargeFixture.money("2.50"))
        #expect(over.detail == "charged 12.5 where item MUSIC is filed at 10")
        #expect(rule("CLIP", "5.000001", at: "2026-03-05T12:00:00") == .itemOverpriced)
    }

    // MARK: unlicensed-provider

    @Test func emptyProviderOnASubscriptionItemIsUnlicensed() throws {
        let charge = try #require(verdict("MUSIC", "10.00", at: "2026-03-05T12:00:00", provider: "", service: "M1"))
        #expect(charge.rule == .unlicensedProvider)
        #expect(charge.expectedAmount == .zero)
        #expect(charge.overcharge == ChargeFixture.money("10.00"))
    }

    @Test func providerMissingFromTheRegistryOrWithoutLicence() {
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-05T12:00:00", provider: "SP9", service: "M1") == .unlicensedProvider)
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-05T12:00:00", provider: "SP2", service: "M1") == .unlicensedProvider)
    }

    @Test func anyChargeNamingAProviderIsCheckedEvenWithoutSubscription() {
        #expect(rule("CLIP", "5.00", at: "2026-03-05T12:00:00", provider: "SP9") == .unlicensedProvider)
        #expect(rule("CLIP", "5.00", at: "2026-03-05T12:00:00", provider: "SP2") == .unlicensedProvider)
        #expect(verdict("CLIP", "5.00", at: "2026-03-05T12:00:00", provider: "SP1") == nil)
        // Licensed from 2026-01-01 only.
        #expect(rule("CLIP", "5.00", at: "2025-12-31T12:00:00", provider: "SP1") == .unlicensedProvider)
    }

    @Test func licenceValidOnItsFirstAndLastLocalDayByUTCTimestamps() {
        // SP3 is licensed 2026-01-01 … 2026-03-31 in local (+08:00) dates.
        #expect(rule("CLIP", "5.00", at: "2025-12-31T15:59:59Z", provider: "SP3") == .unlicensedProvider)
        #expect(verdict("CLIP", "5.00", at: "2025-12-31T16:00:00Z", provider: "SP3") == nil)
        #expect(verdict("MUSIC", "10.00", at: "2026-03-31T15:59:59Z", provider: "SP3", service: "M3") == nil)
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-31T16:00:00Z", provider: "SP3", service: "M3") == .unlicensedProvider)
        #expect(
            rule("MUSIC", "10.00", at: "2026-04-01T00:00:00", provider: "SP3", service: "M3") == .unlicensedProvider)
    }

    // MARK: subscriptions

    @Test func noSubscription() throws {
        let none = try #require(
            verdict(
                "MUSIC", "10.00", at: "2026-03-05T12:00:00", account: "A9", provider: "SP1",
                service: "M1"))
        #expect(none.rule == .noSubscription)
        #expect(none.expectedAmount == .zero)
        #expect(none.overcharge == ChargeFixture.money("10.00"))
        #expect(rule("MUSIC", "10.00", at: "2026-03-05T12:00:00", provider: "SP1", service: "M2") == .noSubscription)
    }

    @Test func unconfirmedSubscription() {
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-05T12:00:00", account: "A2", provider: "SP1", service: "M1")
                == .unconfirmedSubscription)
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-05T12:00:00", account: "A4", provider: "SP1", service: "M1")
                == .unconfirmedSubscription)
        // Charged one second before the confirmation, and in its very second.
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-01T10:04:59", provider: "SP1", service: "M1")
                == .unconfirmedSubscription)
        #expect(verdict("MUSIC", "10.00", at: "2026-03-01T10:05:00", provider: "SP1", service: "M1") == nil)
        // Charged before the order was even placed: still an order, so unconfirmed.
        #expect(
            rule("MUSIC", "10.00", at: "2026-02-15T10:00:00", provider: "SP1", service: "M1")
                == .unconfirmedSubscription)
    }

    @Test func chargedAfterCancellation() {
        #expect(
            rule("MUSIC", "10.00", at: "2026-03-10T00:00:00", account: "A3", provider: "SP1", service: "M1")
                == .chargedAfterCancellation)
        #expect(
            verdict("MUSIC", "10.00", at: "2026-03-09T23:59:59", account: "A3", provider: "SP1", service: "M1") == nil)
    }

    // MARK: details

    /// Every rule's detail, word for word (composed without interpolation, so each is checked
    /// here against the text it must read): dates local, amounts exact with only the digits
    /// needed, texts from the charge as given — long and multi-byte ones too.
    @Test func everyDetailReadsAsWritten() {
        let at = "2026-03-05T12:00:00"
        let long = String(repeating: "PROVIDER-", count: 30)
        let cases: [(ChargeJudge.Verdict?, String)] = [
            (verdict("", "1.00", at: at), "no item code given"),
            (verdict("NOPE", "3.00", at: at), "item NOPE is not filed"),
            (verdict("OLD", "1.00", at: at), "item OLD is not in force on 2026-03-05"),
            (verdict("MUSIC", "10.00", at: at, service: "M1"), "value-added item MUSIC charged with no provider"),
            (verdict("CLIP", "5.00", at: at, provider: "SP9"), "provider SP9 is not in the licence registry"),
            (verdict("CLIP", "5.00", at: at, provider: long), "provider \(long) is not in the licence registry"),
            (verdict("CLIP", "5.00", at: at, provider: "供应商é"), "provider 供应商é is not in the licence registry"),
            (verdict("CLIP", "5.00", at: at, provider: "SP2"), "provider SP2 has no value-added licence"),
            (
                verdict("MUSIC", "10.00", at: "2026-04-01T00:00:00", provider: "SP3", service: "M3"),
                "provider SP3's licence is not valid on 2026-04-01"
            ),
            (
                verdict("MUSIC", "10.00", at: at, account: "A9", provider: "SP1", service: "M1"),
                "no order for provider SP1 service M1"
            ),
            (
                verdict("MUSIC", "10.00", at: at, account: "A2", provider: "SP1", service: "M1"),
                "no order for provider SP1 service M1 has a valid second confirmation by the charge"
            ),
            (
                verdict("MUSIC", "10.00", at: "2026-03-10T00:00:00", account: "A3", provider: "SP1", service: "M1"),
                "every confirmed order for provider SP1 service M1 was cancelled by the charge"
            ),
            (
                verdict("MUSIC", "12.50", at: at, provider: "SP1", service: "M1"),
                "charged 12.5 where item MUSIC is filed at 10"
            ),
            (verdict("CLIP", "5.000001", at: at), "charged 5.000001 where item CLIP is filed at 5"),
        ]
        for (verdict, detail) in cases { #expect(verdict?.detail == detail) }
    }

    // MARK: precedence

    @Test func precedenceWhenSeveralRulesApply() throws {
        // Unfiled code naming an unlicensed provider.
        #expect(rule("NOPE", "99.00", at: "2026-03-05T12:00:00", provider: "SP9", service: "M1") == .unfiledItem)
        // Unlicensed, no order, and overpriced.
        #expect(
            rule("MUSIC", "12.00", at: "2026-03-05T12:00:00", account: "A9", provider: "SP9", service: "M1")
                == .unlicensedProvider)
        // Licence lapsed and charged after cancellation.
        #expect(
            rule("MUSIC", "12.00", at: "2026-04-02T12:00:00", account: "A3", provider: "SP3", service: "M1")
                == .unlicensedProvider)
        // No order and overpriced: the whole amount, not just the excess.
        let none = try #require(
            verdict("MUSIC", "12.00", at: "2026-03-05T12:00:00", account: "A9", provider: "SP1", service: "M1"))
        #expect(none.rule == .noSubscription)
        #expect(none.overcharge == ChargeFixture.money("12.00"))
        let unconfirmed = try #require(
            verdict("MUSIC", "12.00", at: "2026-03-05T12:00:00", account: "A2", provider: "SP1", service: "M1"))
        #expect(unconfirmed.rule == .unconfirmedSubscription)
        #expect(unconfirmed.overcharge == ChargeFixture.money("12.00"))
        let cancelled = try #require(
            verdict("MUSIC", "12.00", at: "2026-03-12T12:00:00", account: "A3", provider: "SP1", service: "M1"))
        #expect(cancelled.rule == .chargedAfterCancellation)
        #expect(cancelled.overcharge == ChargeFixture.money("12.00"))
        // Unfiled on that day (before the item's first day) beats every subscription rule.
        #expect(
            rule("MUSIC", "12.00", at: "2025-06-01T12:00:00", account: "A9", provider: "SP9", service: "M1")
                == .unfiledItem)
    }
}
