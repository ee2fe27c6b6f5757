/// The compact copy of one audited usage record that the duplicate index keeps: its input order,
/// both duplicate keys and what a `duplicate-charge` finding needs.
///
/// Layout: record index in its chunk (varint; the chunk is the batch's, kept once per batch by
/// `UsageKeyBatch` and `EntryArena`) · record_id (`packedText`: digit pairs one byte each, a
/// lowercase UUID as its 16 bytes) · **content key**: account (`packedText`), destination
/// (digit count + two digits a byte — decoders accept digits only), service (1 byte), start
/// (seconds from 2020-01-01), duration, volume (varints) · billed amount, billed quantity, cycle
/// (from 2020-00) (varints).
/// The encoding is canonical — equal values give equal bytes — so both keys compare, and hash,
/// as plain byte ranges without decoding. About 40 bytes for a typical record.
enum UsageKey {
    /// Offsets that shorten the commonest values' varints; any fixed offset keeps the encoding canonical.
    static let startEpoch: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z
    static let cycleBase: Int64 = 202_000

    /// Bytes `write` may take for this record at most: 8 varints, the three texts' bounds and
    /// the service byte.
    @inline(__always)
    static func bound(_ record: UsageRecord) -> Int {
        81 + ByteCursor.packedTextBound(record.recordID.count) + ByteCursor.packedTextBound(record.account.count)
            + ByteCursor.digitsBound(record.destination.count)
    }

    /// Writes the entry at `start`, which has room for `bound(record)` bytes; returns where its
    /// two keys start, where the content key ends and where the entry ends (offsets from
    /// `start`), so the caller can hash the keys without parsing the entry again.
    @inline(__always)
    static func write(_ record: UsageRecord, order: UInt64, at start: UnsafeMutableRawPointer)
        -> (recordID: Int, content: Int, contentEnd: Int, end: Int)
    {
        var cursor = ByteCursor(start)
        cursor.varint(order & RecordOrder.recordMask)
        let recordID = start.distance(to: cursor.next)
        cursor.packedText(record.recordID)
        let content = start.distance(to: cursor.next)
        cursor.packedText(record.account)
        cursor.digits(record.destination)
        cursor.byte(record.service.rawValue)
        cursor.signed(record.start &- startEpoch)
        cursor.varint(UInt64(record.durationSeconds))
        cursor.varint(UInt64(record.volumeBytes))
        let contentEnd = start.distance(to: cursor.next)
        writeAmount(record.billedAmount, into: &cursor)
        cursor.varint(UInt64(record.billedQuantity))
        cursor.signed(Int64(record.cycle) &- cycleBase)
        return (recordID, content, contentEnd, start.distance(to: cursor.next))
    }

    /// The entry at `base`, whose chunk's order bits are `chunkOrder`, with its texts as strings.
    static func read(_ base: UnsafeRawPointer, chunkOrder: UInt64) -> Fields<String> {
        read(base, chunkOrder: chunkOrder, text: ByteReader.unpackedString)
    }

    /// An entry's fields, its two texts as `Text` (`String`, or a finding's `FindingText`).
    struct Fields<Text> {
        var order: UInt64
        var service: Service
        var start: Int64
        var durationSeconds: Int64
        var volumeBytes: Int64
        var billedAmount: Money
        var billedQuantity: Int64
        var cycle: Int32
        var recordID: Text
        var account: Text
    }

    /// A duplicate's `duplicate-charge` finding from its entry, its record_id and account
    /// unpacked straight into `buffer`'s texts (no `String` each: an input given three times
    /// has two duplicates a record).
    static func duplicateFinding(
        _ base: UnsafeRawPointer, chunkOrder: UInt64, byRecordID: Bool, in buffer: FindingBuffer
    )
        -> StoredFinding
    {
        let key = read(base, chunkOrder: chunkOrder) { field in
            // At least one byte: an empty account has an empty field, and the scratch needs an address.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, field.textBound)) { scratch in
                let count = ByteReader.unpack(field, into: scratch.baseAddress!)
                return buffer.text(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(scratch)[0..<count]))
            }
        }
        return StoredFinding(
            kind: .usage, recordID: key.recordID, account: key.account, cycle: key.cycle, rule: .duplicateCharge,
            billedQuantity: key.billedQuantity, expectedQuantity: 0, billedAmount: key.billedAmount,
            expectedAmount: .zero, overcharge: max(key.billedAmount, .zero),
            detailText: byRecordID
                ? "record_id seen earlier in the run"
                : "same account, service, start, destination, duration and volume as an earlier record",
            detailForm: .text, order: key.order)
    }

    /// The entry at `base`, its two texts made by `text` from their packed fields.
    @inline(__always)
    private static func read<Text>(
        _ base: UnsafeRawPointer, chunkOrder: UInt64,
        text: (ByteReader.PackedField) -> Text
    ) -> Fields<Text> {
        var reader = ByteReader(base)
        let order = chunkOrder | reader.varint()
        let id = text(reader.packedText())
        let account = text(reader.packedText())
        reader.skipDigits()
        let service = Service(rawValue: base.load(fromByteOffset: reader.offset, as: UInt8.self)) ?? .voice
        reader.offset += 1
        let start = reader.signed() &+ startEpoch
        let duration = Int64(reader.varint())
        let volume = Int64(reader.varint())
        let amount = readAmount(&reader)
        let quantity = Int64(reader.varint())
        let cycle = Int32(reader.signed() &+ cycleBase)
        return Fields(
            order: order, service: service, start: start, durationSeconds: duration, volumeBytes: volume,
            billedAmount: amount, billedQuantity: quantity, cycle: cycle, recordID: id, account: account)
    }

    /// The two key ranges of an encoded entry, found by skipping lengths (no decoding).
    struct Ranges {
        /// record_id with its length prefix.
        var recordID: UnsafeRawBufferPointer
        /// account … volume; nil for SMS (only voice and data are compared by content, DESIGN.md §4).
        var content: UnsafeRawBufferPointer?
        /// The record's index in its chunk (`EntryArena.order` adds the chunk).
        var record: UInt64
    }

    @inline(__always)
    static func ranges(_ base: UnsafeRawPointer) -> Ranges {
        var reader = ByteReader(base)
        let record = reader.varint()
        let idStart = reader.offset
        _ = reader.packedText()
        let contentStart = reader.offset
        _ = reader.packedText()
        reader.skipDigits()
        let service = base.load(fromByteOffset: reader.offset, as: UInt8.self)
        reader.offset += 1
        _ = reader.varint()
        _ = reader.varint()
        _ = reader.varint()
        return Ranges(
            recordID: UnsafeRawBufferPointer(start: base + idStart, count: contentStart - idStart),
            content: service == Service.sms.rawValue
                ? nil : UnsafeRawBufferPointer(start: base + contentStart, count: reader.offset - contentStart),
            record: record)
    }

    /// The record_id key of an encoded entry (as `ranges(_:).recordID`), from its first two fields.
    @inline(__always)
    static func recordIDRange(_ base: UnsafeRawPointer) -> UnsafeRawBufferPointer {
        var reader = ByteReader(base)
        _ = reader.varint()
        let start = reader.offset
        _ = reader.packedText()
        return UnsafeRawBufferPointer(start: base + start, count: reader.offset - start)
    }

    /// Billed amounts are mostly whole thousandths: those as `signed(micros / 1000) << 1`, a byte
    /// shorter; any other as a 1 then `signed(micros)`. (Payload, not key: only needs to decode.)
    @inline(__always)
    static func writeAmount(_ amount: Money, into writer: inout ByteCursor) {
        let micros = amount.micros
        if micros % 1000 == 0 {
            let milli = micros / 1000
            writer.varint(UInt64(bitPattern: (milli << 1) ^ (milli >> 63)) << 1)
        } else {
            writer.varint(1)
            writer.signed(micros)
        }
    }

    @inline(__always)
    static func readAmount(_ reader: inout ByteReader) -> Money {
        let head = reader.varint()
        if head & 1 == 1 { return Money(micros: reader.signed()) }
        let zigzag = head >> 1
        return Money(micros: (Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)) * 1000)
    }

    @inline(__always)
    static func hash(_ range: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var hasher = ByteHasher(seed: seed)
        hasher.combine(range)
        return hasher.value
    }

    static let recordIDSeed: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let contentSeed: UInt64 = 0x2545_F491_4F6C_DD1D
}

/// Input order of a record: file (16 bits), chunk in the file (24 bits), record in the chunk (24 bits).
enum RecordOrder {
    static let maxFiles = 1 << 16
    static let maxChunks = 1 << 24
    static let maxRecordsPerChunk = 1 << 24
    static let recordMask: UInt64 = (1 << 24) - 1

    @inline(__always)
    static func make(_ position: ChunkPosition, record: Int) -> UInt64 {
        UInt64(position.file) << 48 | UInt64(position.sequence) << 24 | UInt64(record)
    }
}

/// A block of index entries. A worker's builder writes the entries of chunk after chunk into
/// it, and the duplicate index keeps it: entries are written once, where they stay, instead of
/// into a buffer per chunk that the index copied (the copy, and the buffers' fresh pages, were
/// ~4 % of a run's CPU). `@unchecked Sendable`: the builder writes only past every range it has
/// handed over in a batch, and nothing reads a range before it is handed over.
final class EntryBlock: @unchecked Sendable {
    /// 16 MiB: the arena's reference keeps 24 bits of offset in a block.
    static let standardSize = EntryArena.blockSize

    let base: UnsafeMutableRawPointer
    let byteCount: Int
    /// Bytes handed over so far; only the builder writing the block moves it.
    fileprivate(set) var used = 0

    /// Zeroed memory in small pages: it is written once, in order (see `PageMemory`).
    init(byteCount: Int) {
        self.byteCount = max(byteCount, 1)
        base = PageMemory.allocate(byteCount: self.byteCount, paging: .small)
    }

    deinit { PageMemory.deallocate(base, byteCount: byteCount) }
}

/// One worker's supply of entry blocks: the block being filled passes from one chunk's builder
/// to the next. Not shared between threads.
final class EntryBlockSource {
    /// The size of a new block (smaller only in tests); an entry larger than it gets a block of its own.
    let blockSize: Int
    fileprivate var current: EntryBlock?

    init(blockSize: Int = EntryBlock.standardSize) {
        precondition(blockSize > 0 && blockSize <= EntryBlock.standardSize, "entry block size out of range")
        self.blockSize = blockSize
    }
}

/// The usage keys of one chunk, written by a worker, merged into the index by the coordinator.
/// Workers also hash the keys, so the serial merge only probes and compares.
///
/// The entries stay in the blocks the builder wrote them into (`runs`: usually one, two when a
/// block filled up during the chunk); the per-record arrays are the builder's own, handed over
/// without a copy. Immutable once built, so it is `Sendable`. Codable as plain arrays (the
/// entries back to back): a partial written to disk carries its keys.
struct UsageKeyBatch: Sendable, Codable, Equatable {
    /// The batch's records `entries` have their entries in `block`, within bytes `start..<end`.
    struct Run: Sendable {
        let block: EntryBlock
        let entries: Range<Int>
        let start: Int
        let end: Int
    }

    /// The order bits of the batch's chunk (file and chunk; record bits 0): every entry is of one chunk.
    var chunkOrder: UInt64 = 0
    private var storage: Storage?

    init() {}

    fileprivate init(chunkOrder: UInt64, storage: Storage) {
        self.chunkOrder = chunkOrder
        self.storage = storage
    }

    /// A batch holding copies of these entries — entry `k` is `bytes[offsets[k]..<offsets[k+1]]`,
    /// the last to the end; offsets ascending — in blocks of at most `blockSize` (an entry larger
    /// than that in one of its own), as a builder would have placed them.
    init(
        chunkOrder: UInt64, bytes: [UInt8], offsets: [UInt32], recordIDHashes: [UInt64], contentHashes: [UInt64],
        blockSize: Int = EntryBlock.standardSize
    ) {
        precondition(recordIDHashes.count == offsets.count && contentHashes.count == offsets.count)
        self.chunkOrder = chunkOrder
        guard !offsets.isEmpty else { return }
        let source = EntryBlockSource(blockSize: blockSize)
        var placed = PlacedEntries(source: source, capacity: offsets.count)
        bytes.withUnsafeBytes { bytes in
            for (index, offset) in offsets.enumerated() {
                let end = index + 1 < offsets.count ? Int(offsets[index + 1]) : bytes.count
                let entry = UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<end])
                let at = placed.room(for: entry.count)
                if let base = entry.baseAddress { at.copyMemory(from: base, byteCount: entry.count) }
                placed.commit(entry.count)
                placed.recordIDHashes[index] = recordIDHashes[index]
                placed.contentHashes[index] = contentHashes[index]
            }
        }
        storage = placed.finish()
    }

    var count: Int { storage?.count ?? 0 }
    var isEmpty: Bool { count == 0 }
    var runs: [Run] { storage?.runs ?? [] }
    /// Where each record's entry starts in its run's block.
    var offsets: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.offsets, count: count) }
    var recordIDHashes: UnsafeBufferPointer<UInt64> {
        UnsafeBufferPointer(start: storage?.recordIDHashes, count: count)
    }
    /// 0 for records without a content key (SMS).
    var contentHashes: UnsafeBufferPointer<UInt64> { UnsafeBufferPointer(start: storage?.contentHashes, count: count) }

    /// Every entry back to back, and where each starts there (a copy: for encoding and tests).
    var packed: (bytes: [UInt8], offsets: [UInt32]) {
        var bytes: [UInt8] = []
        var offsets: [UInt32] = []
        offsets.reserveCapacity(count)
        let all = self.offsets
        for run in runs {
            let shift = bytes.count - run.start
            for index in run.entries { offsets.append(UInt32(Int(all[index]) + shift)) }
            bytes += UnsafeRawBufferPointer(start: run.block.base + run.start, count: run.end - run.start)
        }
        return (bytes, offsets)
    }

    /// Owns the per-record arrays (the entries' blocks are reference counted on their own).
    /// `@unchecked Sendable`: nothing writes to them after the builder hands them over.
    fileprivate final class Storage: @unchecked Sendable {
        let runs: [Run]
        let offsets: UnsafeMutablePointer<UInt32>
        let recordIDHashes: UnsafeMutablePointer<UInt64>
        let contentHashes: UnsafeMutablePointer<UInt64>
        let count: Int

        init(
            runs: [Run], offsets: UnsafeMutablePointer<UInt32>, recordIDHashes: UnsafeMutablePointer<UInt64>,
            contentHashes: UnsafeMutablePointer<UInt64>, count: Int
        ) {
            self.runs = runs
            self.offsets = offsets
            self.recordIDHashes = recordIDHashes
            self.contentHashes = contentHashes
            self.count = count
        }

        deinit {
            offsets.deallocate()
            recordIDHashes.deallocate()
            contentHashes.deallocate()
        }
    }

    private enum CodingKeys: String, CodingKey {
        case chunkOrder, bytes, offsets, recordIDHashes, contentHashes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let chunkOrder = try container.decode(UInt64.self, forKey: .chunkOrder)
        let offsets = try container.decode([UInt32].self, forKey: .offsets)
        let recordIDHashes = try container.decode([UInt64].self, forKey: .recordIDHashes)
        let contentHashes = try container.decode([UInt64].self, forKey: .contentHashes)
        let bytes = try container.decode([UInt8].self, forKey: .bytes)
        guard recordIDHashes.count == offsets.count, contentHashes.count == offsets.count,
            offsets.allSatisfy({ Int($0) < bytes.count }), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .offsets, in: container,
                debugDescription: "key batch arrays disagree in length, or offsets are not ascending within the bytes")
        }
        self.init(
            chunkOrder: chunkOrder, bytes: bytes, offsets: offsets, recordIDHashes: recordIDHashes,
            contentHashes: contentHashes)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let packed = self.packed
        try container.encode(chunkOrder, forKey: .chunkOrder)
        try container.encode(packed.bytes, forKey: .bytes)
        try container.encode(packed.offsets, forKey: .offsets)
        try container.encode(Array(recordIDHashes), forKey: .recordIDHashes)
        try container.encode(Array(contentHashes), forKey: .contentHashes)
    }

    /// Same records, entries and hashes, wherever the entries lie.
    static func == (lhs: UsageKeyBatch, rhs: UsageKeyBatch) -> Bool {
        let left = lhs.packed
        let right = rhs.packed
        return lhs.chunkOrder == rhs.chunkOrder && left.bytes == right.bytes && left.offsets == right.offsets
            && lhs.recordIDHashes.elementsEqual(rhs.recordIDHashes)
            && lhs.contentHashes.elementsEqual(rhs.contentHashes)
    }
}

/// Places one batch's entries in its source's blocks and keeps its per-record arrays: the part
/// of a builder that does not know what an entry is. Raw buffers, not arrays: a worker appends
/// every usage record, and array appends (a uniqueness and a capacity check each, three arrays
/// per record) were a measurable share of the key building.
private struct PlacedEntries: ~Copyable {
    private let source: EntryBlockSource
    /// The block being written, its memory, and the bytes used in it (the block's own `used`
    /// is set when the run ends: a class property in the loop would be a load and store a record).
    private var block: EntryBlock
    private(set) var base: UnsafeMutableRawPointer
    private var blockEnd: Int
    private var used: Int
    private var runs: [UsageKeyBatch.Run] = []
    private var runFirstEntry = 0
    private var runStart: Int
    private(set) var count = 0
    private var capacity: Int
    private(set) var offsets: UnsafeMutablePointer<UInt32>
    private(set) var recordIDHashes: UnsafeMutablePointer<UInt64>
    private(set) var contentHashes: UnsafeMutablePointer<UInt64>
    /// The arrays went to a batch: the deinit must not free them.
    private var handedOver = false

    init(source: EntryBlockSource, capacity: Int) {
        self.source = source
        let block = source.current ?? EntryBlock(byteCount: source.blockSize)
        source.current = block
        self.block = block
        base = block.base
        blockEnd = block.byteCount
        used = block.used
        runStart = block.used
        self.capacity = max(64, capacity)
        offsets = .allocate(capacity: self.capacity)
        recordIDHashes = .allocate(capacity: self.capacity)
        contentHashes = .allocate(capacity: self.capacity)
    }

    deinit {
        guard !handedOver else { return }
        offsets.deallocate()
        recordIDHashes.deallocate()
        contentHashes.deallocate()
    }

    /// Where the next entry goes, with room for `bound` bytes; its offset is recorded.
    @inline(__always)
    mutating func room(for bound: Int) -> UnsafeMutableRawPointer {
        if blockEnd &- used < bound { nextBlock(bound) }
        if count == capacity { grow() }
        offsets[count] = UInt32(truncatingIfNeeded: used)
        return base + used
    }

    /// The entry just placed took `byteCount` bytes.
    @inline(__always)
    mutating func commit(_ byteCount: Int) {
        used &+= byteCount
        count &+= 1
        // An entry larger than a standard block has a block of its own: nothing follows it there.
        if blockEnd > source.blockSize { used = blockEnd }
    }

    /// Takes back the entry placed last: its bytes are overwritten by the next entry and its
    /// slots in the arrays reused. It is always in the current run (placing it may have started
    /// that run, which is then left empty).
    mutating func removeLast() {
        precondition(count > runFirstEntry, "no entry to take back")
        count &-= 1
        used = Int(offsets[count])
    }

    private mutating func nextBlock(_ bound: Int) {
        endRun()
        block = EntryBlock(byteCount: max(source.blockSize, bound))
        source.current = block
        base = block.base
        blockEnd = block.byteCount
        used = 0
        runStart = 0
        runFirstEntry = count
    }

    private mutating func endRun() {
        if count > runFirstEntry {
            runs.append(UsageKeyBatch.Run(block: block, entries: runFirstEntry..<count, start: runStart, end: used))
        }
        block.used = used
    }

    private mutating func grow() {
        capacity *= 2
        offsets = offsets.movedToNew(capacity: capacity, count: count)
        recordIDHashes = recordIDHashes.movedToNew(capacity: capacity, count: count)
        contentHashes = contentHashes.movedToNew(capacity: capacity, count: count)
    }

    /// The batch's storage: its runs and arrays (no copy); the source keeps the block for the next batch.
    consuming func finish() -> UsageKeyBatch.Storage? {
        endRun()
        guard count > 0 else { return nil }
        handedOver = true
        return UsageKeyBatch.Storage(
            runs: runs, offsets: offsets, recordIDHashes: recordIDHashes, contentHashes: contentHashes, count: count)
    }
}

/// Builds one chunk's `UsageKeyBatch`: each usage record's entry written in place in the
/// worker's current block, its two keys hashed from the entry just written.
struct UsageKeyBatchBuilder: ~Copyable {
    private var placed: PlacedEntries
    private var chunkOrder: UInt64 = 0

    /// `expectedRecords`: room for that many records before the arrays grow.
    init(source: EntryBlockSource, expectedRecords: Int) {
        placed = PlacedEntries(source: source, capacity: expectedRecords)
    }

    mutating func append(_ record: UsageRecord, order: UInt64) {
        if placed.count == 0 { chunkOrder = order & ~RecordOrder.recordMask }
        precondition(order & ~RecordOrder.recordMask == chunkOrder, "a key batch holds one chunk's records")
        let index = placed.count
        let start = placed.room(for: UsageKey.bound(record))
        let at = UsageKey.write(record, order: order, at: start)
        placed.recordIDHashes[index] = UsageKey.hash(
            UnsafeRawBufferPointer(start: start + at.recordID, count: at.content &- at.recordID),
            seed: UsageKey.recordIDSeed)
        // 0 means "no content key" (SMS), so a content key that hashes to 0 takes 1 instead: the
        // hash only picks a partition and bucket, so any fixed remapping stays exact.
        placed.contentHashes[index] =
            record.service == .sms
            ? 0
            : max(
                1,
                UsageKey.hash(
                    UnsafeRawBufferPointer(start: start + at.content, count: at.contentEnd &- at.content),
                    seed: UsageKey.contentSeed))
        placed.commit(at.end)
    }

    /// Takes back the last record appended (the audit rejected it after its key was written: a
    /// rejected row is never "seen" by the duplicate check).
    mutating func removeLast() { placed.removeLast() }

    /// The batch of everything appended (no copy).
    consuming func finish() -> UsageKeyBatch {
        let order = chunkOrder
        guard let storage = placed.finish() else { return UsageKeyBatch() }
        return UsageKeyBatch(chunkOrder: order, storage: storage)
    }
}
