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
    /// Keys of 1–8 bytes (plan ids and item codes usually are) also sit here as one
    /// zero-padded word: a lookup is a multiply, a load and two compares, not a byte loop.
    private let shortSlots: [ShortSlot]
    private let shortMask: Int

    struct ShortSlot {
        var word: UInt64 = 0
        var length: Int32 = 0
        /// -1: empty.
        var index: Int32 = -1
    }

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
        var shortCapacity = 8
        while shortCapacity < keys.count * 2 { shortCapacity <<= 1 }
        var shortSlots = [ShortSlot](repeating: ShortSlot(), count: shortCapacity)
        for (index, key) in keys.enumerated() where (1...8).contains(key.utf8.count) {
            let word = Array(key.utf8).withUnsafeBytes { Self.word($0) }
            var slot = Self.shortBucket(word, mask: shortCapacity - 1)
            while shortSlots[slot].index >= 0 { slot = (slot + 1) & (shortCapacity - 1) }
            shortSlots[slot] = ShortSlot(word: word, length: Int32(key.utf8.count), index: Int32(index))
        }
        self.shortSlots = shortSlots
        self.shortMask = shortCapacity - 1
    }

    /// The 1–8 bytes of `key` as a little-endian word, zero above them. Two overlapping loads,
    /// both inside the key (equal bytes where they overlap), so nothing past it is read.
    @inline(__always)
    static func word(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        let base = key.baseAddress!
        if count >= 4 {
            let low = UInt64(base.loadUnaligned(as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            return low | high << UInt64(8 &* (count &- 4))
        }
        if count >= 2 {
            let low = UInt64(base.loadUnaligned(as: UInt16.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count &- 2, as: UInt16.self))
            return low | high << UInt64(8 &* (count &- 2))
        }
        return UInt64(base.load(as: UInt8.self))
    }

    @inline(__always)
    static func shortBucket(_ word: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
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
        if UInt(bitPattern: key.count &- 1) < 8 {
            // 1–8 bytes: the short table holds every such key (a key with a NUL byte still
            // differs from a shorter one by its length).
            let word = Self.word(key)
            return shortSlots.withUnsafeBufferPointer { slots in
                var slot = Self.shortBucket(word, mask: shortMask)
                while true {
                    let candidate = slots[slot]
                    if candidate.index < 0 { return nil }
                    if candidate.word == word && Int(candidate.length) == key.count { return Int(candidate.index) }
                    slot = (slot &+ 1) & shortMask
                }
            }
        }
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
