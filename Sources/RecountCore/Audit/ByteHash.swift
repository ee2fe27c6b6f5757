/// A fast 64-bit hash of byte strings for the duplicate index's buckets. Collisions only cost
/// a comparison: the index always compares the key bytes themselves before calling a match.
public struct ByteHasher {
    private var state: UInt64

    public init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed }

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    public mutating func combine(_ value: UInt64) {
        state = Self.mix(state ^ value, 0xBF58_476D_1CE4_E5B9)
    }

    @inline(__always)
    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            combine(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        // The last 1–7 bytes without a byte loop: overlapping loads inside the buffer (bytes hashed
        // twice are harmless), with the length mixed in so "a" and "a\0" still differ.
        var tail = UInt64(count) << 56
        if index < count {
            if count >= 8 {
                tail ^= bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else if count >= 4 {
                tail ^=
                    UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                    | UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 24
            } else {
                var shift: UInt64 = 0
                while index < count {
                    tail ^= UInt64(bytes[index]) << shift
                    shift += 8
                    index += 1
                }
            }
        }
        combine(tail)
    }

    public var value: UInt64 { Self.mix(state, 0x94D0_49BB_1331_11EB) }
}
