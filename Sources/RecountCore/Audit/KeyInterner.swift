import Foundation

/// A key of up to three text parts (account, provider, service_code), pointing at bytes owned by
/// someone else (a chunk being scanned, a batch): nothing is copied until the key is interned.
struct KeyParts {
    var first: UnsafeRawBufferPointer
    var second: UnsafeRawBufferPointer
    var third: UnsafeRawBufferPointer

    /// Absent parts are empty (a nil base address with count 0 points at nothing).
    init(
        _ first: UnsafeRawBufferPointer,
        _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        _ third: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        self.first = first
        self.second = second
        self.third = third
    }

    /// Each part's length is mixed in with its bytes, so ("ab", "c") and ("a", "bc") differ.
    @inline(__always)
    var hash: UInt64 {
        var hasher = ByteHasher()
        hasher.combine(first)
        hasher.combine(second)
        hasher.combine(third)
        return hasher.value
    }
}

/// Distinct byte keys, each stored once and numbered 0, 1, 2… in the order first interned.
///
/// Layout, chosen so tens of millions of keys cost little beyond their bytes: one byte arena
/// holding every key as `[len1: u32][len2: u32] part1 part2 part3` (part 3's length is what is
/// left of the entry), the start of each entry, and an open-addressing table of 8-byte slots
/// (`hash tag << 32 | number + 1`, 0 = empty). No per-key object or `String`.
///
/// A value type of arrays: once built and stored in a `let`, it is safely shared by threads.
struct KeyInterner: Sendable {
    private(set) var arena: [UInt8] = []
    /// `starts[k]` is where key `k`'s entry begins; entry `k` ends at `starts[k + 1]` (or the arena end).
    private var starts: [Int] = []
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 10)

    var count: Int { starts.count }
    var bytes: Int { arena.capacity + starts.capacity * 8 + slots.count * 8 }

    /// The number of `key`, or nil when it was never interned.
    @inline(__always)
    func find(_ key: KeyParts) -> Int? { find(key, hash: key.hash) }

    @inline(__always)
    private func find(_ key: KeyParts, hash: UInt64) -> Int? {
        arena.withUnsafeBytes { arena in
            let mask = slots.count - 1
            var index = Int(truncatingIfNeeded: hash) & mask
            let tag = hash >> 32
            while true {
                let slot = slots[index]
                if slot == 0 { return nil }
                if slot >> 32 == tag {
                    let number = Int(slot & 0xffff_ffff) - 1
                    if matches(number, key, arena) { return number }
                }
                index = (index + 1) & mask
            }
        }
    }

    /// The number of `key`, interning it first when new.
    mutating func intern(_ key: KeyParts) -> Int {
        let hash = key.hash
        if let number = find(key, hash: hash) { return number }
        precondition(starts.count < Int(UInt32.max) - 1, "more than 4 billion distinct keys")
        let number = starts.count
        starts.append(arena.count)
        append(UInt32(key.first.count))
        append(UInt32(key.second.count))
        arena.append(contentsOf: key.first)
        arena.append(contentsOf: key.second)
        arena.append(contentsOf: key.third)
        // Load factor ≤ 0.7 keeps probe runs short.
        if starts.count * 10 > slots.count * 7 { grow() }
        place(hash, number)
        return number
    }

    private mutating func append(_ length: UInt32) {
        withUnsafeBytes(of: length.littleEndian) { arena.append(contentsOf: $0) }
    }

    /// The parts of key `number` (valid inside `body` only).
    func withKey<T>(_ number: Int, _ body: (KeyParts) -> T) -> T {
        arena.withUnsafeBytes { body(parts(number, $0)) }
    }

    @inline(__always)
    private func parts(_ number: Int, _ arena: UnsafeRawBufferPointer) -> KeyParts {
        let start = starts[number]
        let end = number + 1 < starts.count ? starts[number + 1] : arena.count
        // Every entry begins with its two 4-byte lengths (written by `intern`), so start + 8 ≤ end,
        // and the lengths were the true part sizes, so each rebased range lies inside the entry.
        let first = Int(UInt32(littleEndian: arena.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        let second = Int(UInt32(littleEndian: arena.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self)))
        let a = start + 8
        let b = a + first
        let c = b + second
        return KeyParts(
            UnsafeRawBufferPointer(rebasing: arena[a..<b]), UnsafeRawBufferPointer(rebasing: arena[b..<c]),
            UnsafeRawBufferPointer(rebasing: arena[c..<end]))
    }

    @inline(__always)
    private func matches(_ number: Int, _ key: KeyParts, _ arena: UnsafeRawBufferPointer) -> Bool {
        let stored = parts(number, arena)
        return Self.equal(stored.first, key.first) && Self.equal(stored.second, key.second)
            && Self.equal(stored.third, key.third)
    }

    @inline(__always)
    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    private mutating func place(_ hash: UInt64, _ number: Int) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = (hash >> 32) << 32 | UInt64(number + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        // Hashes are not stored (8 bytes a key saved); recomputing them once per doubling is cheap.
        let hashes = arena.withUnsafeBytes { arena in (0..<starts.count).map { parts($0, arena).hash } }
        for (number, hash) in hashes.enumerated() { place(hash, number) }
    }
}

/// Keys copied out of one chunk by a worker (the chunk's bytes are reused once it returns),
/// replayed into a `KeyInterner` on the merging thread: one byte array and three lengths a row.
struct KeyBatch: Sendable {
    private var bytes: [UInt8] = []
    private var lengths: [UInt32] = []

    var count: Int { lengths.count / 3 }

    mutating func append(_ key: KeyParts) {
        bytes.append(contentsOf: key.first)
        bytes.append(contentsOf: key.second)
        bytes.append(contentsOf: key.third)
        lengths.append(UInt32(key.first.count))
        lengths.append(UInt32(key.second.count))
        lengths.append(UInt32(key.third.count))
    }

    /// Calls `body` with each row's number and key, in the order appended.
    func forEachKey(_ body: (Int, KeyParts) -> Void) {
        bytes.withUnsafeBytes { bytes in
            var offset = 0
            for row in 0..<count {
                // The lengths were the sizes of the parts appended, so each range lies inside `bytes`.
                let a = offset
                let b = a + Int(lengths[3 * row])
                let c = b + Int(lengths[3 * row + 1])
                offset = c + Int(lengths[3 * row + 2])
                body(
                    row,
                    KeyParts(
                        UnsafeRawBufferPointer(rebasing: bytes[a..<b]), UnsafeRawBufferPointer(rebasing: bytes[b..<c]),
                        UnsafeRawBufferPointer(rebasing: bytes[c..<offset])))
            }
        }
    }
}

/// Groups values that arrived tagged with a key number into one flat array per field, the
/// values of key `k` at `starts[k]..<starts[k + 1]` (a counting sort: two passes, no per-key array).
struct KeyGroups: Sendable {
    /// `keyCount + 1` entries.
    let starts: [Int]

    init(keyOf: [UInt32], keyCount: Int) {
        var starts = [Int](repeating: 0, count: keyCount + 1)
        for key in keyOf { starts[Int(key) + 1] += 1 }
        for key in 0..<keyCount { starts[key + 1] += starts[key] }
        self.starts = starts
    }

    @inline(__always)
    func range(_ key: Int) -> Range<Int> { starts[key]..<starts[key + 1] }

    /// `values` (parallel to `keyOf`) rearranged into key groups; within a group, arrival order.
    func scatter<Value>(_ values: [Value], keyOf: [UInt32], filler: Value) -> [Value] {
        var cursor = starts
        var grouped = [Value](repeating: filler, count: values.count)
        for index in values.indices {
            let key = Int(keyOf[index])
            grouped[cursor[key]] = values[index]
            cursor[key] += 1
        }
        return grouped
    }
}
