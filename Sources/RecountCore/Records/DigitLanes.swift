/// ASCII digits tested and read eight bytes at a time (a `UInt64` loaded little-endian: lane `i`
/// is byte `i`). Timestamps, cycles, destinations and identifiers are digit runs on every usage
/// row; one word test replaces eight byte tests.
@usableFromInline
enum DigitLanes {
    /// True when all eight bytes are ASCII digits: high nibble 3, and adding 6 does not carry
    /// out of the low nibble (no byte-to-byte carry is possible).
    @inlinable @inline(__always)
    static func all(_ word: UInt64) -> Bool { all(word, lanes: ~0) }

    /// True when every lane set in `mask` (0xFF per lane) holds an ASCII digit; other lanes are ignored.
    @inlinable @inline(__always)
    static func all(_ word: UInt64, lanes mask: UInt64) -> Bool {
        let highs = mask & 0xF0F0_F0F0_F0F0_F0F0
        let threes = mask & 0x3030_3030_3030_3030
        // Only evaluated when the digit lanes are 0x30–0x3F, so adding 6 cannot carry between lanes.
        return word & highs == threes && (word &+ (mask & 0x0606_0606_0606_0606)) & highs == threes
    }

    /// The value of lane `lane` as a digit (after `all` said it is one).
    @inlinable @inline(__always)
    static func value(_ word: UInt64, _ lane: UInt64) -> Int64 { Int64((word >> (8 &* lane)) & 0xFF) &- 48 }

    /// The two-digit number in lanes `lane` and `lane + 1` (after `all` said both are digits).
    @inlinable @inline(__always)
    static func pair(_ word: UInt64, _ lane: UInt64) -> Int64 { value(word, lane) &* 10 &+ value(word, lane &+ 1) }
}
