/// An SMS rule: one message to a destination matching one of `destinations` costs `rate`.
/// SMS rules have no bands (DESIGN.md §5a).
public struct SMSRule: Sendable {
    public let destinations: [String]
    public let rate: Money
    public let yamlPath: String
    public let line: Int

    public init(destinations: [String], rate: Money, yamlPath: String = "", line: Int = 0) {
        self.destinations = destinations
        self.rate = rate
        self.yamlPath = yamlPath
        self.line = line
    }
}
