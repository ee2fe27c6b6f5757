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
        lhs.precedence < rhs.precedence
    }

    /// The position in `allCases` (0 = first to apply), without searching: reports index
    /// per-rule tables by it for every finding.
    var precedence: Int {
        switch self {
        case .duplicateCharge: 0
        case .unfiledTariff: 1
        case .unfiledItem: 2
        case .unlicensedProvider: 3
        case .noSubscription: 4
        case .unconfirmedSubscription: 5
        case .chargedAfterCancellation: 6
        case .unansweredCharged: 7
        case .unitInflation: 8
        case .itemOverpriced: 9
        case .rateInflation: 10
        case .undercharge: 11
        }
    }
}
