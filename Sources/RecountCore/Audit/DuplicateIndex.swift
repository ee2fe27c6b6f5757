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
/// so the index first only collects: each record's compact entry stays in the entry block its
/// worker wrote it into (the arena numbers the blocks), and a reference to it, tagged with hash
/// bits, goes into one of 256 partitions per key (chosen by the
/// hash's top byte). `finish()` then takes each partition alone: its references fit a table that
/// stays in the CPU's cache, and within each group of equal keys the earliest record is the
/// original and every other one is marked. The result does not depend on arrival order, which
/// is what lets files inflate in parallel and partial results merge in any grouping — and the
/// serial merge is sequential writes instead of random probes into tables of hundreds of MB.
///
/// Exact: hashes only choose partitions and buckets; a match is declared only after comparing
/// the key bytes. Memory: each record's entry (~35 bytes) plus one 8-byte reference per key.
final class DuplicateIndex {
    /// All mutable state, swapped into a local for each batch: a class's stored properties pay a
    /// dynamic exclusivity check on every access, a local struct none.
    private var stored: State? = State()
    private var state: State { stored! }
    private var finished = false
    private var finishedMarks = DuplicateMarks()
    /// Bytes the key references took before `finish()` freed them.
    private(set) var referenceBytes = 0

    deinit { stored?.release() }

    var entryBytes: Int { state.arena.bytesUsed }
    private(set) var records = 0

    /// Every record found to be a duplicate, by input order (after `finish()`).
    var marks: DuplicateMarks {
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
        stored!.arena.seal()
        finishedMarks = state.resolve()
    }

    /// The entry of a marked record (valid while the index lives).
    func entry(_ mark: DuplicateMarks.Mark) -> UnsafeRawPointer {
        precondition(finished && mark.entry >= 0, "DuplicateIndex.entry of no mark")
        return state.arena.pointer(mark.entry)
    }

    /// A record marked by one key.
    struct Claim: Sendable {
        var order: UInt64
        var entry: Int
        var byContent: Bool
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
            let recordIDHashes = batch.recordIDHashes
            let contentHashes = batch.contentHashes
            arena.add(batch) { index, reference in
                recordIDs.append(hash: recordIDHashes[index], reference: reference)
                let content = contentHashes[index]
                if content != 0 { contents.append(hash: content, reference: reference) }
            }
        }

        /// One finding per (partition, key kind), resolved on all cores, then merged into marks
        /// (a record can be marked by its record_id in one partition and its content in another).
        func resolve() -> DuplicateMarks {
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
            return DuplicateMarks(claims: Array(results.elements))
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
            var claims: [Claim] = []
            keys.forEachBlock(partition) { values in
                table.insertAll(values) { slot, holder, tagged in
                    let reference = Int(tagged & KeyPartitions.referenceMask)
                    // 28 hash bits agree: only now are the entries read and compared.
                    guard
                        Bytes.equal(arena.key(holder, byContent: byContent), arena.key(reference, byContent: byContent))
                    else {
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
/// (bits 28–55) above a 36-bit reference. The blocks are carved from 2 MiB slabs
/// (`BlockSlabs`), mapped and unmapped whole, not malloc'd one by one.
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

/// Fixed-size blocks carved from 2 MiB slabs in small pages: the blocks are filled in order, so
/// huge pages would only make their fresh memory dearer (see `PageMemory`). Blocks are never freed one by one:
/// `release()` frees every slab at once. A class, so the copies of the structs that hold it
/// share one list and a second `release()` frees nothing twice.
final class BlockSlabs: @unchecked Sendable {
    private let blockSize: Int
    private var slabs: [UnsafeMutableRawPointer] = []
    private var used = PageMemory.hugePage

    /// `blockSize` divides 2 MiB.
    init(blockSize: Int) {
        precondition(blockSize > 0 && PageMemory.hugePage % blockSize == 0, "slab block size must divide 2 MiB")
        self.blockSize = blockSize
    }

    deinit { release() }

    /// A zeroed block of `blockSize` bytes, valid until `release()`.
    func allocate() -> UnsafeMutableRawPointer {
        if used == PageMemory.hugePage {
            slabs.append(PageMemory.allocate(byteCount: PageMemory.hugePage, paging: .small))
            used = 0
        }
        let block = slabs[slabs.count - 1] + used
        used += blockSize
        return block
    }

    func release() {
        for slab in slabs { PageMemory.deallocate(slab, byteCount: PageMemory.hugePage) }
        slabs = []
        used = PageMemory.hugePage
    }
}

/// Byte-range equality and order through `memcmp`.
enum Bytes {
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Byte order (a range that is a prefix of the other comes first).
    @inline(__always)
    static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
        return order != 0 ? order < 0 : a.count < b.count
    }
}

/// The index's entries: the blocks the workers wrote them into (`EntryBlock`, 16 MiB; an entry
/// larger than that has one of its own), numbered as they first arrive. A reference is
/// (block number << 24 | offset); nothing moves, so it stays valid. `pointer` reads a raw
/// table of the blocks' memory, not the `EntryBlock` objects (no reference counting per probe).
/// `@unchecked Sendable`: shared across threads only read-only, while `finish()` resolves.
struct EntryArena: @unchecked Sendable {
    static let blockBits = 24
    static let blockSize = 1 << blockBits
    private var blocks: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private var blockCount = 0
    private var blockCapacity = 64
    /// Keeps the blocks alive, and gives each its number.
    private var owners: [EntryBlock] = []
    private var numbers: [ObjectIdentifier: Int] = [:]
    private(set) var bytesUsed = 0

    /// Where each batch's run of entries starts and its chunk's order bits: entries keep only
    /// their record index, so 2–3 bytes of order per record are stored once per run. Sorted
    /// by `seal()` (runs arrive in any order), before `order` is asked.
    private var segmentStarts: UnsafeMutablePointer<Int>
    private var segmentOrders: UnsafeMutablePointer<UInt64>
    private var segmentCount = 0
    private var segmentCapacity = 256
    private var sealed = false

    init() {
        blocks = .allocate(capacity: blockCapacity)
        segmentStarts = .allocate(capacity: segmentCapacity)
        segmentOrders = .allocate(capacity: segmentCapacity)
    }

    /// Takes in a batch's entries where they lie; calls `body(entry, reference)` for each, in order.
    mutating func add(_ batch: UsageKeyBatch, _ body: (Int, Int) -> Void) {
        precondition(!sealed, "EntryArena.add after seal()")
        let offsets = batch.offsets
        for run in batch.runs {
            let blockBase = number(of: run.block) << Self.blockBits
            addSegment(blockBase | run.start, order: batch.chunkOrder)
            bytesUsed += run.end - run.start
            for index in run.entries { body(index, blockBase | Int(offsets[index])) }
        }
    }

    /// The block's number, given on first sight.
    private mutating func number(of block: EntryBlock) -> Int {
        if let number = numbers[ObjectIdentifier(block)] { return number }
        if blockCount == blockCapacity {
            blockCapacity *= 2
            blocks = blocks.movedToNew(capacity: blockCapacity, count: blockCount)
        }
        (blocks + blockCount).initialize(to: block.base)
        owners.append(block)
        numbers[ObjectIdentifier(block)] = blockCount
        blockCount += 1
        return blockCount - 1
    }

    private mutating func addSegment(_ start: Int, order: UInt64) {
        if segmentCount == segmentCapacity {
            segmentCapacity *= 2
            segmentStarts = segmentStarts.movedToNew(capacity: segmentCapacity, count: segmentCount)
            segmentOrders = segmentOrders.movedToNew(capacity: segmentCapacity, count: segmentCount)
        }
        segmentStarts[segmentCount] = start
        segmentOrders[segmentCount] = order
        segmentCount += 1
    }

    /// Sorts the runs by where they start (references are not allocated in arrival order: two
    /// workers fill two blocks at once); nothing is added afterwards.
    mutating func seal() {
        guard !sealed else { return }
        sealed = true
        let sorted = (0..<segmentCount).map { (segmentStarts[$0], segmentOrders[$0]) }.sorted { $0.0 < $1.0 }
        for (index, segment) in sorted.enumerated() {
            segmentStarts[index] = segment.0
            segmentOrders[index] = segment.1
        }
    }

    /// The full input order of the entry at `reference` (after `seal()`).
    func order(_ reference: Int) -> UInt64 {
        // The last run starting at or before the reference: runs never overlap.
        var low = 0
        var high = segmentCount
        while high - low > 1 {
            let middle = (low + high) / 2
            if segmentStarts[middle] <= reference { low = middle } else { high = middle }
        }
        // Only the entry's first field: finding both key ranges parsed the whole entry (~300
        // instructions, twice per claim).
        var reader = ByteReader(pointer(reference))
        return segmentOrders[low] | reader.varint()
    }

    @inline(__always)
    func pointer(_ reference: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(blocks[reference >> Self.blockBits] + (reference & (Self.blockSize - 1)))
    }

    @inline(__always)
    func ranges(_ reference: Int) -> UsageKey.Ranges { UsageKey.ranges(pointer(reference)) }

    /// One key of the entry at `reference`: the record_id's range is found from two varints,
    /// without parsing the content key after it (half the equal-key checks ask for it).
    @inline(__always)
    func key(_ reference: Int, byContent: Bool) -> UnsafeRawBufferPointer {
        byContent ? ranges(reference).content! : UsageKey.recordIDRange(pointer(reference))
    }

    /// Frees the tables; the blocks go with the last batch or arena holding them.
    func release() {
        blocks.deallocate()
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
        slots = PageMemory.allocate(byteCount: (1 << capacityBits) * 8, paging: .huge).bindMemory(
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

    func release() { PageMemory.deallocate(UnsafeMutableRawPointer(slots), byteCount: bytes) }
}
