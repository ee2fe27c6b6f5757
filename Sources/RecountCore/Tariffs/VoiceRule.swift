/// A voice rule of a plan version: the destinations and bands it covers and its price ladder.
public struct VoiceRule: Sendable {
    /// Digit prefixes; `""` matches every destination. The longest matching prefix wins.
    public let destinations: [String]
    /// When the rule applies; `[Band.always]` for a rule written without `bands`.
    public let bands: [Band]
    /// Charged once per answered call (for `split`, the first piece's rule's fee).
    public let connectFee: Money
    /// Sorted by `after`, first at 0, each `after` a multiple of the previous increment.
    public let steps: [Step]
    /// Where the rule is written, for `explain` traces.
    public let yamlPath: String
    public let line: Int

    public init(
        destinations: [String], bands: [Band], connectFee: Money, steps: [Step], yamlPath: String = "", line: Int = 0
    ) {
        self.destinations = destinations
        self.bands = bands
        self.connectFee = connectFee
        self.steps = steps
        self.yamlPath = yamlPath
        self.line = line
    }

    public func covers(weekday: Int, secondOfDay: Int64) -> Bool {
        bands.contains { $0.contains(weekday: weekday, secondOfDay: secondOfDay) }
    }
}
