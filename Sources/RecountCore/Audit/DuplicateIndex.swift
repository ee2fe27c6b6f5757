import CZlib
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Finds every usage record that repeats an earlier one (DESIGN.md §4 `duplicate-charge`, §5a),
/// whatever order chunks and files arrive in.
///
/// A record is a duplicate when an earlier record (in input order) has the same record_id, or —
/// for voice and data — the same content key. That is a property of the whole set of records,
/// so the index first only collects: each record's compact entry goes into an arena, and a
/// reference to it, tagged with hash bits, into one of 256 partitions per key (chosen by the
/// hash's top byte). `finish()` then takes each partition alone: its references fit a table that
/// stays in the CPU's cache, and within each group of equal keys the earliest record is the
/// original and every other one is marked. The result does not depend on arrival order, which
/// is what lets files inflate in parallel and partial results merge in any grouping — and the
/// serial merge is sequential writes instead of random probes into tables of hundreds of MB.
///
/// Exact: hashes only choose partitions and buckets; a match is declared only after comparing
/// the key bytes. Memory: each record's entry (~35 bytes) plus one 8-byte reference per key.
final class DuplicateIndex {
    struct Mark {
        var byRecordID = false
        var byContent = false
        /// Arena reference of the record's entry.
        var entry: Int = -1
    }

    /// All mutable state, swapped into a local for each batch: a class's stored properties pay a
    /// dynamic exclusivity check on every access, a local struct none.
    private var stored: State? = State()
    private var state: State { stored! }
    private var finished = false
    private var finishedMarks: [UInt64: Mark] = [:]
    /// Bytes the key references took before `finish()` freed them.
    private(set) var referenceBytes = 0

    deinit { stored?.release() }

    var entryBytes: Int { state.arena.bytesUsed }
    private(set) var records = 0

    /// Every record found to be a duplicate, by input order (after `finish()`).
    var marks: [UInt64: Mark] {
        precondition(finished, "DuplicateIndex.marks read before finish()")
        return finishedMarks
    }

    func insert(_ batch: UsageKeyBatch) {
        precondition(!finished, "DuplicateIndex.insert after finish()")
        // Moved out (the property left empty so `local` is the only owner: no copy on write).
        var local = stored!
        stored = nil
        local.insert(batch)
        stored = local
        records += batch.count
    }

    /// Resolves every partition (on all cores); afterwards `marks` and `withKey` are valid.
    func finish() {
        guard !finished else { return }
        finished = true
        referenceBytes = state.recordIDs.bytes + state.contents.bytes
        finishedMarks = state.resolve()
    }

    /// The stored key of a marked record (valid while the index lives).
    func withKey<T>(of order: UInt64, _ body: (UsageKey) -> T) -> T? {
        guard let mark = marks[order], mark.entry >= 0 else { return nil }
        return body(UsageKey.read(state.arena.pointer(mark.entry), chunkOrder: order & ~RecordOrder.recordMask))
    }

    struct State {
        var arena = EntryArena()
        var recordIDs = KeyPartitions()
        var contents = KeyPartitions()

        func release() {
            arena.release()
            recordIDs.deallocate()
            contents.deallocate()
        }

        mutating func insert(_ batch: UsageKeyBatch) {
            arena.beginBatch(chunkOrder: batch.chunkOrder)
            let offsets = batch.offsets
            let recordIDHashes = batch.recordIDHashes
            let contentHashes = batch.contentHashes
            let runs = arena.appendBatch(batch.bytes, offsets: offsets)
            for run in runs {
                for index in run.entries {
                    let reference = Int(offsets[index]) + run.shift
                    recordIDs.append(hash: recordIDHashes[index], reference: reference)
                    let content = contentHashes[index]
                    if content != 0 { contents.append(hash: content, reference: reference) }
                }
            }
        }

        /// One finding per (partition, key kind), resolved on all cores, then merged into marks
        /// (a record can be marked by its record_id in one partition and its content in another).
        func resolve() -> [UInt64: Mark] {
            let partitions = KeyPartitions.count
            let results = TaskSlots<[Claim]>(count: 2 * partitions, repeating: [])
            let arena = self.arena
            let recordIDs = self.recordIDs
            let contents = self.contents
            DispatchQueue.concurrentPerform(iterations: 2 * partitions) { task in
                let byContent = task >= partitions
                let partition = task % partitions
                results[task] = Self.resolve(
                    byContent ? contents : recordIDs, partition, byContent: byContent, arena: arena)
            }
            // The references are spent: their slabs go now, before the findings are gathered
            // (the run's memory peak comes after this).
            recordIDs.release()
            contents.release()
            var marks: [UInt64: Mark] = [:]
            for claims in results.elements {
                for claim in claims {
                    var mark = marks[claim.order, default: Mark()]
                    if claim.byContent { mark.byContent = true } else { mark.byRecordID = true }
                    mark.entry = claim.entry
                    marks[claim.order] = mark
                }
            }
            return marks
        }

        /// A record marked by one key.
        struct Claim {
            var order: UInt64
            var entry: Int
            var byContent: Bool
        }

        /// The records of one partition that have an earlier twin under its key.
        private static func resolve(
            _ keys: KeyPartitions, _ partition: Int, byContent: Bool, arena: EntryArena
        ) -> [Claim] {
            let count = keys.count(partition)
            guard count > 1 else { return [] }
            // At most half full: short probes, and the table of one partition stays in cache.
            var bits = 4
            while (1 << bits) < 2 * count { bits += 1 }
            let table = SlotTable(capacityBits: bits)
            defer { table.release() }
            let keyOf: (UsageKey.Ranges) -> UnsafeRawBufferPointer =
                byContent ? { $0.content! } : { $0.recordID }
            var claims: [Claim] = []
            keys.forEachBlock(partition) { values in
                table.insertAll(values) { slot, holder, tagged in
                    let reference = Int(tagged & KeyPartitions.referenceMask)
                    // 28 hash bits agree: only now are the entries read and compared.
                    guard Bytes.equal(keyOf(arena.ranges(holder)), keyOf(arena.ranges(reference))) else {
                        return false
                    }
                    // Equal keys: the later record is the duplicate, the earlier one holds the slot.
                    let order = arena.order(reference)
                    let holderOrder = arena.order(holder)
                    if order > holderOrder {
                        claims.append(Claim(order: order, entry: reference, byContent: byContent))
                    } else {
                        claims.append(Claim(order: holderOrder, entry: holder, byContent: byContent))
                        table.replace(slot, with: tagged)
                    }
                    return true
                }
            }
            return claims
        }
    }
}

/// Tagged references to arena entries, split by the key hash's top byte into 256 partitions,
/// each a list of fixed blocks (appends never copy). A value packs 28 more bits of the hash
/// (bits 28–55) above a 36-bit reference. The blocks are carved from 2 MiB huge-page slabs
/// (`BlockSlabs`): from malloc, every 4 KiB of them cost a page fault (~40k in a 10M-row run).
///
/// `@unchecked Sendable`: while `finish()` resolves, tasks only read, and nothing appends.
struct KeyPartitions: @unchecked Sendable {
    static let partitionBits = 8
    static let count = 1 << partitionBits
    static let referenceBits: UInt64 = 36
    static let referenceMask: UInt64 = (1 << 36) - 1
    static let blockValues = 1 << 11  // 16 KiB blocks: 512 part-filled blocks waste ~4 MB, not ~16

    /// Per partition: its full blocks, then the block being filled.
    private var blocks: UnsafeMutablePointer<[UnsafeMutablePointer<UInt64>]>
    private var filled: UnsafeMutablePointer<Int>
    /// Per partition: the block being filled (the last of `blocks`), without an array access.
    private var tails: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    private let slabs = BlockSlabs(blockSize: blockValues * 8)
    private(set) var bytes = 0

    init() {
        blocks = .allocate(capacity: Self.count)
        blocks.initialize(repeating: [], count: Self.count)
        filled = .allocate(capacity: Self.count)
        filled.initialize(repeating: Self.blockValues, count: Self.count)
        tails = .allocate(capacity: Self.count)
        tails.initialize(repeating: nil, count: Self.count)
    }

    @inline(__always)
    mutating func append(hash: UInt64, reference: Int) {
        precondition(UInt64(reference) < Self.referenceMask, "duplicate index arena over 64 GiB")
        let partition = Int(truncatingIfNeeded: hash &>> UInt64(64 &- Self.partitionBits))
        var at = filled[partition]
        if at == Self.blockValues {
            let block = slabs.allocate().bindMemory(to: UInt64.self, capacity: Self.blockValues)
            blocks[partition].append(block)
            tails[partition] = block
            at = 0
            bytes &+= Self.blockValues &* 8
        }
        // The tag sits where SlotTable expects a hash's top bits, so a value doubles as the hash.
        let tag = (hash &<< UInt64(Self.partitionBits)) &>> (64 &- 28)
        tails[partition].unsafelyUnwrapped[at] = tag &<< Self.referenceBits | UInt64(reference)
        filled[partition] = at &+ 1
    }

    func count(_ partition: Int) -> Int {
        let full = blocks[partition].count
        return full == 0 ? 0 : (full - 1) * Self.blockValues + filled[partition]
    }

    /// Every value of one partition in insertion order, a block at a time.
    func forEachBlock(_ partition: Int, _ body: (UnsafeBufferPointer<UInt64>) -> Void) {
        let list = blocks[partition]
        for (number, block) in list.enumerated() {
            body(
                UnsafeBufferPointer(
                    start: block, count: number == list.count - 1 ? filled[partition] : Self.blockValues))
        }
    }

    /// Frees every block; the partitions read as empty afterwards. Safe to call again.
    func release() {
        for partition in 0..<Self.count {
            blocks[partition] = []
            tails[partition] = nil
            filled[partition] = Self.blockValues
        }
        slabs.release()
    }

    /// Frees the partition table itself too (the index is going).
    func deallocate() {
        release()
        blocks.deinitialize(count: Self.count)
        blocks.deallocate()
        filled.deallocate()
        tails.deallocate()
    }
}

/// Fixed-size blocks carved from 2 MiB huge-page slabs. Blocks are never freed one by one:
/// `release()` frees every slab at once. A class, so the copies of the structs that hold it
/// share one list and a second `release()` frees nothing twice.
final class BlockSlabs: @unchecked Sendable {
    private let blockSize: Int
    private var slabs: [UnsafeMutableRawPointer] = []
    private var used = HugePageMemory.hugePage

    /// `blockSize` divides 2 MiB.
    init(blockSize: Int) {
        precondition(blockSize > 0 && HugePageMemory.hugePage % blockSize == 0, "slab block size must divide 2 MiB")
        self.blockSize = blockSize
    }

    deinit { release() }

    /// A zeroed block of `blockSize` bytes, valid until `release()`.
    func allocate() -> UnsafeMutableRawPointer {
        if used == HugePageMemory.hugePage {
            slabs.append(HugePageMemory.allocate(byteCount: HugePageMemory.hugePage))
            used = 0
        }
        let block = slabs[slabs.count - 1] + used
        used += blockSize
        return block
    }

    func release() {
        for slab in slabs { HugePageMemory.deallocate(slab, byteCount: HugePageMemory.hugePage) }
        slabs = []
        used = HugePageMemory.hugePage
    }
}

/// Byte-range equality through `memcmp`.
enum Bytes {
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }
}

/// Append-only storage for index entries in 16 MiB blocks (an entry larger than that gets a
/// block of its own): nothing ever moves, so a reference (block << 24 | offset) stays valid,
/// and growth never copies. The block table is a raw buffer,
/// so copying the arena (as the probe closures do) costs no reference counting.
/// `@unchecked Sendable`: shared across threads only read-only, while `finish()` resolves.
struct EntryArena: @unchecked Sendable {
    static let blockBits = 24
    static let blockSize = 1 << blockBits
    private var blocks: UnsafeMutablePointer<UnsafeMutableRawPointer>
    /// Each block's size: `blockSize`, or more for a block holding one larger entry.
    private var blockByteCounts: UnsafeMutablePointer<Int>
    private var blockCount = 0
    private var blockCapacity = 64
    private var used = blockSize
    private(set) var bytesUsed = 0

    /// Where each batch's entries start (arena references only grow) and its chunk's order bits:
    /// entries keep only their record index, so 2–3 bytes of order per record are stored once per batch.
    private var segmentStarts: UnsafeMutablePointer<Int>
    private var segmentOrders: UnsafeMutablePointer<UInt64>
    private var segmentCount = 0
    private var segmentCapacity = 256
    private var batchOrder: UInt64 = 0
    private var batchPending = false

    init() {
        blocks = .allocate(capacity: blockCapacity)
        blockByteCounts = .allocate(capacity: blockCapacity)
        segmentStarts = .allocate(capacity: segmentCapacity)
        segmentOrders = .allocate(capacity: segmentCapacity)
    }

    /// The entries appended next belong to the chunk with these order bits.
    mutating func beginBatch(chunkOrder: UInt64) {
        batchOrder = chunkOrder
        batchPending = true
    }

    /// The full input order of the entry at `reference`.
    func order(_ reference: Int) -> UInt64 {
        // The last segment starting at or before the reference.
        var low = 0
        var high = segmentCount
        while high - low > 1 {
            let middle = (low + high) / 2
            if segmentStarts[middle] <= reference { low = middle } else { high = middle }
        }
        return segmentOrders[low] | ranges(reference).record
    }

    private mutating func addSegment(_ start: Int) {
        if segmentCount == segmentCapacity {
            let starts = UnsafeMutablePointer<Int>.allocate(capacity: segmentCapacity * 2)
            starts.moveInitialize(from: segmentStarts, count: segmentCount)
            segmentStarts.deallocate()
            segmentStarts = starts
            let orders = UnsafeMutablePointer<UInt64>.allocate(capacity: segmentCapacity * 2)
            orders.moveInitialize(from: segmentOrders, count: segmentCount)
            segmentOrders.deallocate()
            segmentOrders = orders
            segmentCapacity *= 2
        }
        segmentStarts[segmentCount] = start
        segmentOrders[segmentCount] = batchOrder
        segmentCount += 1
    }

    /// Entries of a batch placed in one piece: entry `k` of `entries` is at reference
    /// `offsets[k] + shift`.
    struct Run {
        var entries: Range<Int>
        var shift: Int
    }

    /// Appends a batch's entries — `bytes`, entry `k` starting at `offsets[k]` — with one copy
    /// per block they land in (usually one), not one per entry; says where each entry went.
    mutating func appendBatch(_ bytes: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<UInt32>) -> [Run] {
        func end(_ entry: Int) -> Int { entry + 1 < offsets.count ? Int(offsets[entry + 1]) : bytes.count }
        var runs: [Run] = []
        var first = 0
        while first < offsets.count {
            let start = Int(offsets[first])
            let room = Self.blockSize - used
            // The entries from `first` that fit in the current block: usually all of them.
            var last = offsets.count
            if bytes.count - start > room {
                var low = first
                var high = offsets.count
                while low < high {
                    let middle = (low + high) / 2
                    if end(middle) - start <= room { low = middle + 1 } else { high = middle }
                }
                last = low
            }
            if last == first {
                let size = end(first) - start
                if size <= Self.blockSize {
                    startBlock()
                    continue
                }
                // An entry larger than a block (a field of many megabytes): a block of its own,
                // full after it, so the reference is still (block, offset 0).
                startBlock(byteCount: size)
                last = first + 1
            }
            let count = end(last - 1) - start
            let reference = (blockCount - 1) << Self.blockBits | used
            if batchPending {
                addSegment(reference)
                batchPending = false
            }
            (blocks[blockCount - 1] + used).copyMemory(from: bytes.baseAddress! + start, byteCount: count)
            used = min(used + count, Self.blockSize)
            bytesUsed += count
            runs.append(Run(entries: first..<last, shift: reference - start))
            first = last
        }
        return runs
    }

    private mutating func startBlock(byteCount: Int = blockSize) {
        if blockCount == blockCapacity {
            func grown<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
                let new = UnsafeMutablePointer<T>.allocate(capacity: blockCapacity * 2)
                new.moveInitialize(from: old, count: blockCount)
                old.deallocate()
                return new
            }
            blocks = grown(blocks)
            blockByteCounts = grown(blockByteCounts)
            blockCapacity *= 2
        }
        (blocks + blockCount).initialize(to: HugePageMemory.allocate(byteCount: byteCount))
        (blockByteCounts + blockCount).initialize(to: byteCount)
        blockCount += 1
        used = 0
    }

    @inline(__always)
    func pointer(_ reference: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(blocks[reference >> Self.blockBits] + (reference & (Self.blockSize - 1)))
    }

    @inline(__always)
    func ranges(_ reference: Int) -> UsageKey.Ranges { UsageKey.ranges(pointer(reference)) }

    func release() {
        for index in 0..<blockCount { HugePageMemory.deallocate(blocks[index], byteCount: blockByteCounts[index]) }
        blocks.deallocate()
        blockByteCounts.deallocate()
        segmentStarts.deallocate()
        segmentOrders.deallocate()
    }
}

/// Open-addressing (linear probing) table of arena references for one partition, sized by its
/// caller for at most half full (it never grows). A slot is a `KeyPartitions` value plus one: the
/// top 28 bits of the key's hash (bits 36–63), then the reference + 1 (0 marks an empty slot).
/// The bucket is chosen by the hash's top bits, and a probe reads an entry only when all 28 agree.
struct SlotTable {
    private var slots: UnsafeMutablePointer<UInt64>
    private let capacityBits: Int

    /// `capacityBits` in 4…28: the bucket is taken from the 28 tag bits.
    init(capacityBits: Int) {
        precondition((4...28).contains(capacityBits), "duplicate index partition table out of range")
        self.capacityBits = capacityBits
        slots = HugePageMemory.allocate(byteCount: (1 << capacityBits) * 8).bindMemory(
            to: UInt64.self, capacity: 1 << capacityBits)
    }

    var bytes: Int { (1 << capacityBits) * 8 }

    /// Writes go through the slots' pointer, so the match may `replace` while this runs.
    /// Inserts each value unless a slot with the same tag holds a reference `match(slot,
    /// holder, value)` accepts (it returns false for a tag collision: probing goes on). The
    /// loop runs once per key at the end of every run, so it is kept to a few instructions a
    /// key — wrapping and masking operators, the match out of line — and the caller sizes the
    /// table: `values.count` plus what it holds must stay under half its slots.
    @inline(__always)
    func insertAll(
        _ values: UnsafeBufferPointer<UInt64>, match: (_ slot: Int, _ holder: Int, _ value: UInt64) -> Bool
    ) {
        let mask = (1 &<< capacityBits) &- 1
        let shift = UInt64(64 &- capacityBits)
        let slots = self.slots
        for value in values {
            var index = Int(truncatingIfNeeded: value &>> shift)
            while true {
                let slot = slots[index]
                if slot == 0 {
                    slots[index] = value &+ 1
                    break
                }
                if (slot ^ value) &>> KeyPartitions.referenceBits == 0,
                    match(index, Int(truncatingIfNeeded: slot & KeyPartitions.referenceMask) &- 1, value)
                {
                    break
                }
                index = (index &+ 1) & mask
            }
        }
    }

    /// Puts `value`'s reference in place of the slot's (same key, same tag).
    func replace(_ slot: Int, with value: UInt64) { slots[slot] = value &+ 1 }

    func release() { HugePageMemory.deallocate(UnsafeMutableRawPointer(slots), byteCount: bytes) }
}
