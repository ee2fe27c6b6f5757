/// One filed version of a non-usage charge item (DESIGN.md §2.5 `items`).
public struct ItemVersion: Sendable {
    public let code: String
    public let name: String
    /// The filing number; never empty (a catalog with an unfiled item is rejected).
    public let approval: String
    /// The filed amount: charging more is `item-overpriced`.
    public let amount: Money
    /// First local day in force (days since 1970-01-01).
    public let effectiveFrom: Int64
    /// Last local day in force; nil = open.
    public let effectiveTo: Int64?
    /// True for SP / value-added items, which need a confirmed subscription.
    public let requiresSubscription: Bool
    /// Where the item is written (`items[2]`), for `explain` traces.
    public let yamlPath: String
    public let line: Int

    public init(
        code: String, name: String, approval: String, amount: Money, effectiveFrom: Int64, effectiveTo: Int64?,
        requiresSubscription: Bool, yamlPath: String = "", line: Int = 0
    ) {
        self.code = code
        self.name = name
        self.approval = approval
        self.amount = amount
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.requiresSubscription = requiresSubscription
        self.yamlPath = yamlPath
        self.line = line
    }

    public func isInForce(localDay: Int64) -> Bool {
        effectiveFrom <= localDay && localDay <= (effectiveTo ?? Int64.max)
    }
}
