import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Finds every usage record that repeats an earlier one (DESIGN.md §4 `duplicate-charge`, §5a),
/// whatever order chunks and files arrive in.
///
/// For each key (record_id; and for voice/data the content key) the index keeps the earliest
/// record seen so far. A newcomer later than that holder is a duplicate; one earlier than it
/// replaces it and the old holder becomes the duplicate. Once every record is in, exactly the
/// records that have an earlier twin are marked — the same set in any arrival order, which is
/// what lets files inflate in parallel and partial results merge in any grouping.
///
/// Exact: buckets are found by a 64-bit hash, but a match is declared only after comparing the
/// key bytes. Memory: each holder's compact entry in an arena, plus one 8-byte slot per key.
final class DuplicateIndex {
    struct Mark {
        var byRecordID = false
        var byContent = false
        /// Arena reference of the record's entry when it is stored there.
        var entry: Int = -1
    }

    /// All mutable state, swapped into a local for each batch: a class's stored properties pay a
    /// dynamic exclusivity check on every access, a local struct none.
    private var stored: State? = State()
    private var state: State { stored! }

    deinit { stored?.release() }

    var entryBytes: Int { state.arena.bytesUsed }
    var slotBytes: Int { state.recordIDs.bytes + state.contents.bytes }
    var records: Int { state.recordIDs.count }
    /// Every record found to be a duplicate, by input order.
    var marks: [UInt64: Mark] { state.marks }

    func insert(_ batch: UsageKeyBatch) {
        // Moved out (the property left empty so `local` is the only owner: no copy on write).
        var local = stored!
        stored = nil
        local.insert(batch)
        stored = local
    }

    /// The stored key of a marked record (valid while the index lives).
    func withKey<T>(of order: UInt64, _ body: (UsageKey) -> T) -> T? {
        guard let mark = state.marks[order] else { return nil }
        if mark.entry >= 0 { return body(UsageKey.read(state.arena.pointer(mark.entry))) }
        guard let bytes = state.newcomerEntries[order] else { return nil }
        return bytes.withUnsafeBytes { body(UsageKey.read($0.baseAddress!)) }
    }

    struct State {
        var arena = EntryArena()
        var recordIDs = SlotTable()
        var contents = SlotTable()
        var marks: [UInt64: Mark] = [:]
        /// Newcomer duplicates' entries, copied out of their batch (they are not stored in the arena).
        var newcomerEntries: [UInt64: [UInt8]] = [:]

        func release() {
            arena.release()
            recordIDs.release()
            contents.release()
        }

        mutating func insert(_ batch: UsageKeyBatch) {
            let ahead = 16
            batch.bytes.withUnsafeBytes { raw in
                for index in batch.offsets.indices {
                    if index + ahead < batch.offsets.count {
                        recordIDs.prefetch(batch.recordIDHashes[index + ahead])
                        if batch.contentHashes[index + ahead] != 0 {
                            contents.prefetch(batch.contentHashes[index + ahead])
                        }
                    }
                    let start = Int(batch.offsets[index])
                    let end = index + 1 < batch.offsets.count ? Int(batch.offsets[index + 1]) : raw.count
                    insert(
                        UnsafeRawBufferPointer(rebasing: raw[start..<end]), recordIDHash: batch.recordIDHashes[index],
                        contentHash: batch.contentHashes[index])
                }
            }
        }

        private mutating func insert(_ entry: UnsafeRawBufferPointer, recordIDHash: UInt64, contentHash: UInt64) {
            let key = UsageKey.ranges(entry.baseAddress!)
            var stored = -1
            var isDuplicate = Self.claim(
                &recordIDs, hash: recordIDHash, key: key.recordID, keyOf: { $0.recordID }, flag: \.byRecordID,
                entry: entry, order: key.order, stored: &stored, arena: &arena, marks: &marks)
            if let content = key.content,
                Self.claim(
                    &contents, hash: contentHash, key: content, keyOf: { $0.content! }, flag: \.byContent,
                    entry: entry, order: key.order, stored: &stored, arena: &arena, marks: &marks)
            {
                isDuplicate = true
            }
            if isDuplicate {
                if stored >= 0 {
                    marks[key.order]!.entry = stored
                } else {
                    newcomerEntries[key.order] = Array(entry)
                }
            }
        }

        /// One key of a newcomer against its table: inserted when new; otherwise the later of
        /// the newcomer and the holder is marked (`flag`), and an earlier newcomer takes the slot.
        /// `stored` is the newcomer's arena reference, stored at most once for both keys.
        /// Returns true when the newcomer is the duplicate.
        @inline(__always)
        private static func claim(
            _ table: inout SlotTable, hash: UInt64, key: UnsafeRawBufferPointer,
            keyOf: (UsageKey.Ranges) -> UnsafeRawBufferPointer, flag: WritableKeyPath<Mark, Bool>,
            entry: UnsafeRawBufferPointer, order: UInt64, stored: inout Int, arena: inout EntryArena,
            marks: inout [UInt64: Mark]
        ) -> Bool {
            let entries = arena
            switch table.findOrInsert(
                hash, matching: { Bytes.equal(keyOf(entries.ranges($0)), key) },
                reference: {
                    if stored < 0 { stored = arena.append(entry) }
                    return stored
                })
            {
            case .inserted:
                return false
            case .found(let slot, let holder):
                let holderOrder = arena.ranges(holder).order
                if order > holderOrder {
                    marks[order, default: Mark()][keyPath: flag] = true
                    return true
                }
                if stored < 0 { stored = arena.append(entry) }
                table.replace(slot, hash: hash, reference: stored)
                var mark = marks[holderOrder, default: Mark()]
                mark[keyPath: flag] = true
                mark.entry = holder
                marks[holderOrder] = mark
                return false
            }
        }
    }
}

/// Byte-range equality through `memcmp`.
enum Bytes {
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }
}

/// Append-only storage for index entries in 16 MiB blocks: nothing ever moves, so a reference
/// (block << 24 | offset) stays valid, and growth never copies. The block table is a raw buffer,
/// so copying the arena (as the probe closures do) costs no reference counting.
struct EntryArena {
    static let blockBits = 24
    static let blockSize = 1 << blockBits
    private var blocks: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private var blockCount = 0
    private var blockCapacity = 64
    private var used = blockSize
    private(set) var bytesUsed = 0

    init() {
        blocks = .allocate(capacity: blockCapacity)
    }

    mutating func append(_ entry: UnsafeRawBufferPointer) -> Int {
        precondition(entry.count <= Self.blockSize, "an index entry is larger than a block")
        if used + entry.count > Self.blockSize {
            if blockCount == blockCapacity {
                let grown = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: blockCapacity * 2)
                grown.moveInitialize(from: blocks, count: blockCount)
                blocks.deallocate()
                blocks = grown
                blockCapacity *= 2
            }
            (blocks + blockCount).initialize(to: HugePageMemory.allocate(byteCount: Self.blockSize))
            blockCount += 1
            used = 0
        }
        let reference = (blockCount - 1) << Self.blockBits | used
        (blocks[blockCount - 1] + used).copyMemory(from: entry.baseAddress!, byteCount: entry.count)
        used += entry.count
        bytesUsed += entry.count
        return reference
    }

    @inline(__always)
    func pointer(_ reference: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(blocks[reference >> Self.blockBits] + (reference & (Self.blockSize - 1)))
    }

    @inline(__always)
    func ranges(_ reference: Int) -> UsageKey.Ranges { UsageKey.ranges(pointer(reference)) }

    func release() {
        for index in 0..<blockCount { HugePageMemory.deallocate(blocks[index], byteCount: Self.blockSize) }
        blocks.deallocate()
    }
}

/// Open-addressing (linear probing) table of arena references. A slot packs the top 28 bits of
/// the key's hash with the reference + 1 (36 bits, a 64 GiB arena). The bucket is chosen by the
/// hash's top bits, so growing the table re-places slots from their stored bits alone — up to
/// 2^28 slots without reading an entry — and a probe reads an entry only when 28 bits agree.
struct SlotTable {
    enum Outcome {
        case inserted
        case found(slot: Int, reference: Int)
    }

    private var slots: UnsafeMutablePointer<UInt64>
    private var capacityBits = 16
    private(set) var count = 0
    private static let referenceBits: UInt64 = 36
    private static let referenceMask: UInt64 = (1 << 36) - 1

    init(capacityBits: Int = 16) {
        self.capacityBits = capacityBits
        slots = Self.allocateSlots(1 << capacityBits)
    }

    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        HugePageMemory.allocate(byteCount: count * 8).bindMemory(to: UInt64.self, capacity: count)
    }

    var bytes: Int { (1 << capacityBits) * 8 }

    @inline(__always)
    private func bucket(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - capacityBits)) }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt64 { hash >> 36 }

    @inline(__always)
    func prefetch(_ hash: UInt64) { recount_prefetch(slots + bucket(hash)) }

    /// Finds the slot whose entry `matching` accepts; else inserts `reference()` and says so.
    @inline(__always)
    mutating func findOrInsert(_ hash: UInt64, matching: (Int) -> Bool, reference: () -> Int) -> Outcome {
        if (count + 1) * 10 > (7 << capacityBits) { grow() }
        let mask = (1 << capacityBits) - 1
        var index = bucket(hash)
        let tag = Self.tag(hash)
        while true {
            let slot = slots[index]
            if slot == 0 {
                slots[index] = tag << Self.referenceBits | UInt64(reference() + 1)
                count += 1
                return .inserted
            }
            if slot >> Self.referenceBits == tag {
                let found = Int(slot & Self.referenceMask) - 1
                if matching(found) { return .found(slot: index, reference: found) }
            }
            index = (index + 1) & mask
        }
    }

    mutating func replace(_ slot: Int, hash: UInt64, reference: Int) {
        slots[slot] = Self.tag(hash) << Self.referenceBits | UInt64(reference + 1)
    }

    private mutating func grow() {
        precondition(capacityBits < 28, "duplicate index full: more than 2^27 records")
        let old = slots
        let oldCount = 1 << capacityBits
        capacityBits += 1
        slots = Self.allocateSlots(1 << capacityBits)
        let mask = (1 << capacityBits) - 1
        for index in 0..<oldCount {
            let slot = old[index]
            guard slot != 0 else { continue }
            // The stored tag is the hash's top 28 bits: enough to find the new bucket.
            var bucket = Int(truncatingIfNeeded: (slot >> Self.referenceBits) >> UInt64(28 - capacityBits))
            while slots[bucket] != 0 { bucket = (bucket + 1) & mask }
            slots[bucket] = slot
        }
        HugePageMemory.deallocate(UnsafeMutableRawPointer(old), byteCount: oldCount * 8)
    }

    func release() { HugePageMemory.deallocate(UnsafeMutableRawPointer(slots), byteCount: bytes) }
}
