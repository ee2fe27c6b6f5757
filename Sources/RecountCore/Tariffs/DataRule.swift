/// The data rule of a plan version: volume rounded up to whole `increment`s (bytes), charged
/// at `rate` per `per` bytes. A plan version has at most one (no destinations, no bands).
public struct DataRule: Sendable {
    public let increment: Int64
    public let rate: Money
    public let per: Int64
    public let yamlPath: String
    public let line: Int

    public init(increment: Int64, rate: Money, per: Int64, yamlPath: String = "", line: Int = 0) {
        self.increment = increment
        self.rate = rate
        self.per = per
        self.yamlPath = yamlPath
        self.line = line
    }
}
