/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64).
///
/// The generator must give the same numbers on every machine and every run for a seed, so it
/// never touches `SystemRandomNumberGenerator`. Streams are cheap to derive (`SplitMix64(seed:_:_:)`),
/// which lets every generated record own a stream keyed by (seed, domain, index): a record can
/// then be regenerated anywhere — a duplicate in file 3 rebuilds its original from file 0 without
/// any thread having to wait for another — and the output cannot depend on thread scheduling.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(state: UInt64) { self.state = state }

    /// A stream for one (seed, domain, index) triple; `domain` keeps usage, charges, catalog… apart.
    init(seed: UInt64, _ domain: UInt64, _ index: UInt64) {
        state = Self.mix(seed &+ Self.mix(domain &* 0x9E37_79B9_7F4A_7C15 &+ Self.mix(index &+ 0x632B_E59B_D9B4_E019)))
    }

    /// The SplitMix64 output function (a bijective 64-bit mixer).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A value in `0..<bound` by multiply-high (Lemire); the bias of at most bound/2^64 is far below
    /// anything a test could see, and skipping rejection keeps the draw count fixed per record.
    @inline(__always)
    mutating func below(_ bound: Int64) -> Int64 {
        precondition(bound > 0, "bound must be positive")
        return Int64(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A value in `range` (inclusive).
    @inline(__always)
    mutating func within(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `numerator / denominator`.
    @inline(__always)
    mutating func chance(_ numerator: Int64, in denominator: Int64) -> Bool { below(denominator) < numerator }

    /// A uniformly chosen element.
    @inline(__always)
    mutating func pick<T>(_ items: [T]) -> T { items[Int(below(Int64(items.count)))] }

    /// An index chosen with the given integer weights.
    mutating func weighted(_ weights: [Int64]) -> Int {
        var total: Int64 = 0
        for weight in weights { total += weight }
        var draw = below(total)
        for (index, weight) in weights.enumerated() {
            if draw < weight { return index }
            draw -= weight
        }
        return weights.count - 1
    }
}
