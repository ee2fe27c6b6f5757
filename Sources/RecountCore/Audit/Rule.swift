/// The audit rules (DESIGN.md §4). Raw values are the stable codes used in every output;
/// the declaration order is the precedence: a record gets the first refundable rule that applies.
public enum Rule: String, Sendable, CaseIterable, Comparable, Codable {
    case duplicateCharge = "duplicate-charge"
    case unfiledTariff = "unfiled-tariff"
    case unfiledItem = "unfiled-item"
    case unlicensedProvider = "unlicensed-provider"
    case noSubscription = "no-subscription"
    case unconfirmedSubscription = "unconfirmed-subscription"
    case chargedAfterCancellation = "charged-after-cancellation"
    case unansweredCharged = "unanswered-charged"
    case unitInflation = "unit-inflation"
    case itemOverpriced = "item-overpriced"
    case rateInflation = "rate-inflation"
    /// Not refundable: reported so carriers can self-check.
    case undercharge

    public var code: String { rawValue }

    /// The order the summary lists rules in: DESIGN.md §4's table order.
    public static let reportOrder: [Rule] = [
        .unitInflation, .rateInflation, .unansweredCharged, .unfiledTariff, .duplicateCharge, .undercharge,
        .unfiledItem, .itemOverpriced, .noSubscription, .unconfirmedSubscription, .chargedAfterCancellation,
        .unlicensedProvider,
    ]

    public static func < (lhs: Rule, rhs: Rule) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
