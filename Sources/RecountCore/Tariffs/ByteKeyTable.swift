/// An immutable open-addressing hash table from short byte keys (plan ids, item codes) to
/// their index in the list it was built from.
///
/// Lookups take the record's field bytes directly: no `String` is built per record, and no
/// `Dictionary<String, …>` hashing of a temporary key.
struct ByteKeyTable: Sendable {
    /// All keys' bytes back to back; key `k` is `bytes[starts[k]..<starts[k + 1]]`.
    private let bytes: [UInt8]
    private let starts: [Int]
    /// Power-of-two sized, at most half full; `-1` = empty slot, else a key index.
    private let slots: [Int32]
    private let mask: Int

    init(keys: [String]) {
        var bytes: [UInt8] = []
        var starts = [0]
        for key in keys {
            bytes.append(contentsOf: key.utf8)
            starts.append(bytes.count)
        }
        var capacity = 8
        while capacity < keys.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: Self.hash(key.utf8)) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.bytes = bytes
        self.starts = starts
        self.slots = slots
        self.mask = capacity - 1
    }

    /// FNV-1a: plan ids are a handful of bytes, so a byte loop beats anything clever.
    @inline(__always)
    static func hash<C: Collection>(_ key: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The index of `key` in the list the table was built from, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int? {
        var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
        while true {
            let candidate = Int(slots[slot])
            if candidate < 0 { return nil }
            let start = starts[candidate]
            let end = starts[candidate + 1]
            if end - start == key.count && equal(start, key) { return candidate }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func equal(_ start: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < key.count {
            if bytes[start + i] != key[i] { return false }
            i += 1
        }
        return true
    }
}
