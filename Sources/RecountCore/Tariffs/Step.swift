/// One step of a voice rule's price ladder (DESIGN.md §3.1 step 4): from `after` seconds into
/// the call, time is charged in whole `increment`s at `rate` per `per` seconds.
public struct Step: Sendable, Equatable {
    public let after: Int64
    public let increment: Int64
    public let rate: Money
    public let per: Int64

    public init(after: Int64, increment: Int64, rate: Money, per: Int64) {
        self.after = after
        self.increment = increment
        self.rate = rate
        self.per = per
    }
}
