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
/// key bytes. Memory: each holder's compact entry in an arena, plus 8-byte slots in two tables.
final class DuplicateIndex {
    struct Mark {
        var byRecordID = false
        var byContent = false
        /// Arena reference of the record's entry when it is stored there (a demoted holder).
        var entry: Int = -1
    }

    private var arena = EntryArena()
    private var recordIDs = SlotTable()
    private var contents = SlotTable()
    /// Every record found to be a duplicate, by input order.
    private(set) var marks: [UInt64: Mark] = [:]
    /// Newcomer duplicates' data, copied out of their batch (they are not stored in the arena).
    private(set) var newcomerKeys: [UInt64: [UInt8]] = [:]

    deinit { arena.release() }

    var entryBytes: Int { arena.bytesUsed }
    var slotBytes: Int { recordIDs.bytes + contents.bytes }

    func insert(_ batch: UsageKeyBatch) {
        batch.bytes.withUnsafeBytes { raw in
            for index in batch.offsets.indices {
                let start = Int(batch.offsets[index])
                let end = index + 1 < batch.offsets.count ? Int(batch.offsets[index + 1]) : raw.count
                let entry = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                insert(entry, recordIDHash: batch.recordIDHashes[index], contentHash: batch.contentHashes[index])
            }
        }
    }

    private func insert(_ entry: UnsafeRawBufferPointer, recordIDHash: UInt64, contentHash: UInt64) {
        let (key, _) = UsageKey.read(entry.baseAddress!)
        var stored = -1
        var isDuplicate = false
        func store() -> Int {
            if stored < 0 { stored = arena.append(entry) }
            return stored
        }
        // record_id
        if let holder = recordIDs.find(recordIDHash, where: { arena.key($0).sameRecordID(as: key) }) {
            let holderKey = arena.key(holder.reference)
            if key.order > holderKey.order {
                isDuplicate = true
                marks[key.order, default: Mark()].byRecordID = true
            } else {
                recordIDs.replace(at: holder.slot, hash: recordIDHash, reference: store())
                demote(holderKey.order, holder.reference) { $0.byRecordID = true }
            }
        } else {
            recordIDs.insert(recordIDHash, reference: store()) { arena.key($0).recordIDHash }
        }
        if key.hasContentKey {
            if let holder = contents.find(contentHash, where: { arena.key($0).sameContent(as: key) }) {
                let holderKey = arena.key(holder.reference)
                if key.order > holderKey.order {
                    isDuplicate = true
                    marks[key.order, default: Mark()].byContent = true
                } else {
                    contents.replace(at: holder.slot, hash: contentHash, reference: store())
                    demote(holderKey.order, holder.reference) { $0.byContent = true }
                }
            } else {
                contents.insert(contentHash, reference: store()) { arena.key($0).contentHash }
            }
        }
        if isDuplicate {
            if stored >= 0 {
                marks[key.order]!.entry = stored
            } else {
                newcomerKeys[key.order] = Array(entry)
            }
        }
    }

    private func demote(_ order: UInt64, _ reference: Int, _ update: (inout Mark) -> Void) {
        var mark = marks[order, default: Mark()]
        update(&mark)
        mark.entry = reference
        marks[order] = mark
    }

    /// The stored key of a marked record (valid while the index lives).
    func withKey<T>(of order: UInt64, _ body: (UsageKey) -> T) -> T? {
        guard let mark = marks[order] else { return nil }
        if mark.entry >= 0 { return body(arena.key(mark.entry)) }
        guard let bytes = newcomerKeys[order] else { return nil }
        return bytes.withUnsafeBytes { body(UsageKey.read($0.baseAddress!).0) }
    }
}

/// Append-only storage for index entries in 16 MiB blocks: nothing ever moves, so a reference
/// (block << 24 | offset) stays valid, and growth never copies.
struct EntryArena {
    static let blockBits = 24
    static let blockSize = 1 << blockBits
    private var blocks: [UnsafeMutableRawPointer] = []
    private var used = blockSize
    private(set) var bytesUsed = 0

    mutating func append(_ entry: UnsafeRawBufferPointer) -> Int {
        precondition(entry.count <= Self.blockSize, "an index entry is larger than a block")
        if used + entry.count > Self.blockSize {
            blocks.append(.allocate(byteCount: Self.blockSize, alignment: 16))
            used = 0
        }
        let reference = (blocks.count - 1) << Self.blockBits | used
        (blocks[blocks.count - 1] + used).copyMemory(from: entry.baseAddress!, byteCount: entry.count)
        used += entry.count
        bytesUsed += entry.count
        return reference
    }

    @inline(__always)
    func key(_ reference: Int) -> UsageKey {
        UsageKey.read(UnsafeRawPointer(blocks[reference >> Self.blockBits] + (reference & (Self.blockSize - 1)))).0
    }

    func release() {
        for block in blocks { block.deallocate() }
    }
}

/// Open-addressing hash table of arena references: each 8-byte slot holds 24 bits of the key's
/// hash (to skip most non-matching entries without reading them) and the reference + 1.
struct SlotTable {
    private var slots: [UInt64] = Array(repeating: 0, count: 1 << 16)
    private var count = 0
    private static let referenceBits: UInt64 = 40
    private static let referenceMask: UInt64 = (1 << 40) - 1

    var bytes: Int { slots.count * 8 }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt64 { hash >> 40 }

    func find(_ hash: UInt64, where matches: (Int) -> Bool) -> (slot: Int, reference: Int)? {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        let tag = Self.tag(hash)
        while true {
            let slot = slots[index]
            if slot == 0 { return nil }
            if slot >> Self.referenceBits == tag {
                let reference = Int(slot & Self.referenceMask) - 1
                if matches(reference) { return (index, reference) }
            }
            index = (index + 1) & mask
        }
    }

    mutating func replace(at slot: Int, hash: UInt64, reference: Int) {
        slots[slot] = Self.tag(hash) << Self.referenceBits | UInt64(reference + 1)
    }

    mutating func insert(_ hash: UInt64, reference: Int, rehash: (Int) -> UInt64) {
        if (count + 1) * 10 > slots.count * 7 { grow(rehash) }
        place(hash, reference)
        count += 1
    }

    private mutating func place(_ hash: UInt64, _ reference: Int) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = Self.tag(hash) << Self.referenceBits | UInt64(reference + 1)
    }

    private mutating func grow(_ rehash: (Int) -> UInt64) {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        for slot in old where slot != 0 {
            let reference = Int(slot & Self.referenceMask) - 1
            place(rehash(reference), reference)
        }
    }
}
