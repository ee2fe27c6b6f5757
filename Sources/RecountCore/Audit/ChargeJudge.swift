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
                detail = Self.compose(charge.code.count) { text in
                    text.add("item ")
                    text.add(bytes: charge.code)
                    text.add(" is not in force on ")
                    text.addDate(days: day)
                }
            } else {
                detail = Self.compose(charge.code.count) { text in
                    text.add("item ")
                    text.add(bytes: charge.code)
                    text.add(" is not filed")
                }
            }
            return unauthorized(.unfiledItem, billed, detail)
        }
        // Licences: any charge naming a provider, and every value-added item (which must name one).
        if item.requiresSubscription || !charge.provider.isEmpty {
            if charge.provider.isEmpty {
                return unauthorized(
                    .unlicensedProvider, billed,
                    Self.compose(item.code.utf8.count) { text in
                        text.add("value-added item ")
                        text.add(item.code)
                        text.add(" charged with no provider")
                    })
            }
            switch providers.licence(provider: charge.provider, localDay: day) {
            case .valid:
                break
            case .notRegistered:
                return unauthorized(
                    .unlicensedProvider, billed, Self.provider(charge, " is not in the licence registry"))
            case .noLicence:
                return unauthorized(.unlicensedProvider, billed, Self.provider(charge, " has no value-added licence"))
            case .notInForce:
                return unauthorized(
                    .unlicensedProvider, billed,
                    Self.compose(charge.provider.count) { text in
                        text.add("provider ")
                        text.add(bytes: charge.provider)
                        text.add("'s licence is not valid on ")
                        text.addDate(days: day)
                    })
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
                return unauthorized(.noSubscription, billed, Self.service(charge, "no order for ", ""))
            case .unconfirmed:
                return unauthorized(
                    .unconfirmedSubscription, billed,
                    Self.service(charge, "no order for ", " has a valid second confirmation by the charge"))
            case .cancelled:
                return unauthorized(
                    .chargedAfterCancellation, billed,
                    Self.service(charge, "every confirmed order for ", " was cancelled by the charge"))
            }
        }
        if billed > item.amount {
            return Verdict(
                rule: .itemOverpriced, expectedAmount: item.amount, overcharge: billed - item.amount,
                detail: Self.compose(item.code.utf8.count) { text in
                    text.add("charged ")
                    text.add(SummaryJSON.plain(billed))
                    text.add(" where item ")
                    text.add(item.code)
                    text.add(" is filed at ")
                    text.add(SummaryJSON.plain(item.amount))
                })
        }
        return nil
    }

    /// Nothing is allowed: expected 0, the whole amount is overcharged — except that a credit
    /// (negative amount) overcharges nothing, as on the usage side.
    private func unauthorized(_ rule: Rule, _ billed: Money, _ detail: String) -> Verdict {
        Verdict(rule: rule, expectedAmount: .zero, overcharge: max(billed, .zero), detail: detail)
    }

    /// A detail composed into one string (no interpolation: a set where most charges are findings
    /// makes one per charge); `texts` is the byte count of the texts it takes from the charge or
    /// the catalog, and the literals, amounts and dates fit in 192 more. Bytes from the charge
    /// are read as UTF-8 with the whole text, as `String(decoding:as:)` reads them.
    private static func compose(_ texts: Int, _ body: (inout TextComposer) -> Void) -> String {
        TextComposer.compose(bound: texts + 192, body)
    }

    /// `provider P` then `rest`.
    private static func provider(_ charge: ChargeRecord, _ rest: StaticString) -> String {
        compose(charge.provider.count) { text in
            text.add("provider ")
            text.add(bytes: charge.provider)
            text.add(rest)
        }
    }

    /// `before`, `provider P service S`, then `after`. Amounts in details are exact, with only
    /// the digits needed (`SummaryJSON.plain`): rounding to the report precision could print
    /// two different amounts as the same number.
    private static func service(_ charge: ChargeRecord, _ before: StaticString, _ after: StaticString) -> String {
        compose(charge.provider.count + charge.serviceCode.count) { text in
            text.add(before)
            text.add("provider ")
            text.add(bytes: charge.provider)
            text.add(" service ")
            text.add(bytes: charge.serviceCode)
            text.add(after)
        }
    }
}
