/// Applies the charge rules of DESIGN.md §4 to one charge item and returns the first that applies,
/// in precedence order: `unfiled-item`, `unlicensed-provider`, `no-subscription`,
/// `unconfirmed-subscription`, `charged-after-cancellation`, `item-overpriced`. Charge items are
/// not checked for duplicates, and a charge below the filed amount is clean (§5a "Items").
///
/// Shared by every worker thread: the catalog, index and registry are immutable values.
struct ChargeJudge: Sendable {
    struct Verdict: Equatable {
        var rule: Rule
        /// What the filed tariffs allow: 0 where nothing is (unfiled, unauthorized), else the filed amount.
        var expectedAmount: Money
        var overcharge: Money
        var detail: String
    }

    let catalog: TariffCatalog
    let subscriptions: SubscriptionIndex
    let providers: ProviderRegistry

    /// nil when the charge is clean. Strings are built only for findings.
    func judge(_ charge: ChargeRecord) -> Verdict? {
        let billed = charge.amount
        let day = catalog.localDay(charge.chargedAt)
        guard let item = catalog.item(code: charge.code, localDay: day) else {
            let detail: String
            if charge.code.isEmpty {
                detail = "no item code given"
            } else if catalog.hasItem(code: charge.code) {
                detail = "item \(text(charge.code)) is not in force on \(CivilTime.formatDate(days: day))"
            } else {
                detail = "item \(text(charge.code)) is not filed"
            }
            return unauthorized(.unfiledItem, billed, detail)
        }
        // Licences: any charge naming a provider, and every value-added item (which must name one).
        if item.requiresSubscription || !charge.provider.isEmpty {
            if charge.provider.isEmpty {
                return unauthorized(
                    .unlicensedProvider, billed, "value-added item \(item.code) charged with no provider")
            }
            switch providers.licence(provider: charge.provider, localDay: day) {
            case .valid:
                break
            case .notRegistered:
                return unauthorized(
                    .unlicensedProvider, billed, "provider \(text(charge.provider)) is not in the licence registry")
            case .noLicence:
                return unauthorized(
                    .unlicensedProvider, billed, "provider \(text(charge.provider)) has no value-added licence")
            case .notInForce:
                return unauthorized(
                    .unlicensedProvider, billed,
                    "provider \(text(charge.provider))'s licence is not valid on \(CivilTime.formatDate(days: day))")
            }
        }
        if item.requiresSubscription {
            let status = subscriptions.status(
                account: charge.account, provider: charge.provider, serviceCode: charge.serviceCode,
                chargedAt: charge.chargedAt)
            switch status {
            case .valid:
                break
            case .none:
                return unauthorized(.noSubscription, billed, "no order for \(service(charge))")
            case .unconfirmed:
                return unauthorized(
                    .unconfirmedSubscription, billed,
                    "no order for \(service(charge)) has a valid second confirmation by the charge")
            case .cancelled:
                return unauthorized(
                    .chargedAfterCancellation, billed,
                    "every confirmed order for \(service(charge)) was cancelled by the charge")
            }
        }
        if billed > item.amount {
            return Verdict(
                rule: .itemOverpriced, expectedAmount: item.amount, overcharge: billed - item.amount,
                detail: "charged \(amount(billed)) where item \(item.code) is filed at \(amount(item.amount))")
        }
        return nil
    }

    /// Nothing is allowed: expected 0, the whole amount is overcharged — except that a credit
    /// (negative amount) overcharges nothing, as on the usage side.
    private func unauthorized(_ rule: Rule, _ billed: Money, _ detail: String) -> Verdict {
        Verdict(rule: rule, expectedAmount: .zero, overcharge: max(billed, .zero), detail: detail)
    }

    private func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    private func service(_ charge: ChargeRecord) -> String {
        "provider \(text(charge.provider)) service \(text(charge.serviceCode))"
    }

    /// Exact, with only the digits needed: rounding to the report precision could print two
    /// different amounts as the same number.
    private func amount(_ money: Money) -> String { SummaryJSON.plain(money) }
}
