import CByteScan
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
/// (`hash tag << 32 | number + 1`, 0 = empty; the tag is the hash's top 32 bits, and a key's
/// first slot is the tag's top bits, so growing the table re-places slots from their tags
/// without hashing a key again). No per-key object or `String`.
///
/// A value type of arrays: once built and stored in a `let`, it is safely shared by threads.
struct KeyInterner: Sendable {
    private(set) var arena: [UInt8] = []
    /// `starts[k]` is where key `k`'s entry begins; entry `k` ends at `starts[k + 1]` (or the arena end).
    private var starts: [Int] = []
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 10)
    /// log2 of `slots.count`.
    private var slotBits = 10

    var count: Int { starts.count }
    var bytes: Int { arena.capacity + starts.capacity * 8 + slots.count * 8 }

    /// The number of `key`, or nil when it was never interned.
    @inline(__always)
    func find(_ key: KeyParts) -> Int? { find(key, hash: key.hash) }

    @inline(__always)
    private func find(_ key: KeyParts, hash: UInt64) -> Int? {
        // The arena is opened only for a slot whose tag matches: a new key usually meets none,
        // and a closure per probe cost a retain and release of the tables per key.
        let mask = slots.count - 1
        let tag = hash >> 32
        var index = home(tag)
        while true {
            let slot = slots[index]
            if slot == 0 { return nil }
            if slot >> 32 == tag {
                let number = Int(slot & 0xffff_ffff) - 1
                if arena.withUnsafeBytes({ matches(number, key, $0) }) { return number }
            }
            index = (index + 1) & mask
        }
    }

    /// The number of `key`, interning it first when new.
    mutating func intern(_ key: KeyParts) -> Int { intern(key, hash: key.hash) }

    /// `intern` of a key whose `hash` its batch computed (on a worker, off the merging thread).
    mutating func intern(_ key: KeyParts, hash: UInt64) -> Int {
        if let number = find(key, hash: hash) { return number }
        precondition(starts.count < Int(UInt32.max) - 1, "more than 4 billion distinct keys")
        let number = starts.count
        starts.append(arena.count)
        appendEntry(key)
        // Load factor ≤ 0.7 keeps probe runs short.
        if starts.count * 10 > slots.count * 7 { grow() }
        place(hash, number)
        return number
    }

    /// Interns every key of `batch` in order, calling `body` with each row and its key's number.
    /// A merge interning millions of keys waits on a cache miss for each key's first table slot,
    /// so each is asked for `prefetchDistance` keys ahead (with the hash the batch computed).
    mutating func intern(_ batch: KeyBatch, _ body: (_ row: Int, _ number: Int) -> Void) {
        let hashes = batch.hashes
        batch.forEachKey { row, key in
            if row &+ Self.prefetchDistance < hashes.count {
                let ahead = home(hashes[row &+ Self.prefetchDistance] >> 32)
                slots.withUnsafeBufferPointer { recount_prefetch_range($0.baseAddress! + ahead, 8) }
            }
            body(row, intern(key, hash: hashes[row]))
        }
    }

    static let prefetchDistance = 8

    /// The entry `[len1: u32][len2: u32] part1 part2 part3`: room made in one append, then the
    /// parts copied in (five appends, each with its own capacity and uniqueness checks, showed
    /// in the merge's profile).
    private mutating func appendEntry(_ key: KeyParts) {
        let size = 8 + key.first.count + key.second.count + key.third.count
        let old = arena.count
        arena.append(contentsOf: repeatElement(0, count: size))
        arena.withUnsafeMutableBytes { arena in
            let entry = arena.baseAddress! + old
            entry.storeBytes(of: UInt32(key.first.count).littleEndian, as: UInt32.self)
            entry.storeBytes(of: UInt32(key.second.count).littleEndian, toByteOffset: 4, as: UInt32.self)
            var at = 8
            func put(_ part: UnsafeRawBufferPointer) {
                guard let source = part.baseAddress else { return }
                (entry + at).copyMemory(from: source, byteCount: part.count)
                at += part.count
            }
            put(key.first)
            put(key.second)
            put(key.third)
        }
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
        place(slot: (hash >> 32) << 32 | UInt64(number + 1))
    }

    /// The first slot a key of hash tag `tag` probes: the tag's top bits (the table has at most
    /// 2^32 slots, as the tag has 32 bits).
    @inline(__always)
    private func home(_ tag: UInt64) -> Int { Int(truncatingIfNeeded: tag >> UInt64(32 &- slotBits)) }

    private mutating func place(slot: UInt64) {
        let mask = slots.count - 1
        var index = home(slot >> 32)
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    private mutating func grow() {
        precondition(slotBits < 32, "more keys than a 2^32-slot table holds")
        let old = slots
        slots = Array(repeating: 0, count: slots.count * 2)
        slotBits += 1
        // Each slot's tag says where it goes: no key is read or hashed again.
        for slot in old where slot != 0 { place(slot: slot) }
    }
}

/// Keys copied out of one chunk by a worker (the chunk's bytes are reused once it returns),
/// replayed into a `KeyInterner` on the merging thread: one byte array and three lengths a row,
/// and each key's hash, computed here so the serial merge does not.
struct KeyBatch: Sendable {
    private var bytes: [UInt8] = []
    private var lengths: [UInt32] = []
    private(set) var hashes: [UInt64] = []

    var count: Int { lengths.count / 3 }

    mutating func append(_ key: KeyParts) {
        bytes.append(contentsOf: key.first)
        bytes.append(contentsOf: key.second)
        bytes.append(contentsOf: key.third)
        lengths.append(UInt32(key.first.count))
        lengths.append(UInt32(key.second.count))
        lengths.append(UInt32(key.third.count))
        hashes.append(key.hash)
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
