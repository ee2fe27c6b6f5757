/// The compact copy of one audited usage record that the duplicate index keeps: its input order,
/// both duplicate keys and what a `duplicate-charge` finding needs.
///
/// Layout: record index in its chunk (varint; the chunk is the batch's, kept once per batch by
/// `UsageKeyBatch` and `EntryArena`) · record_id (`packedText`: digit pairs one
/// byte each) · **content key**: account (`packedText`), destination (digit count + two digits a
/// byte — decoders accept digits only), service (1 byte), start (seconds from 2020-01-01),
/// duration, volume (varints) · billed amount, billed quantity, cycle (from 2020-00) (varints).
/// The encoding is canonical — equal values give equal bytes — so both keys compare, and hash,
/// as plain byte ranges without decoding. About 40 bytes for a typical record.
struct UsageKey {
    var order: UInt64
    var service: Service
    var start: Int64
    var durationSeconds: Int64
    var volumeBytes: Int64
    var billedAmount: Money
    var billedQuantity: Int64
    var cycle: Int32
    var recordID: [UInt8]
    var account: [UInt8]

    /// Offsets that shorten the commonest values' varints; any fixed offset keeps the encoding canonical.
    static let startEpoch: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z
    static let cycleBase: Int64 = 202_000

    /// Writes the entry; returns where its two keys start and where the content key ends, so
    /// the caller can hash them without parsing the entry again.
    @discardableResult
    @inline(__always)
    static func write(_ record: UsageRecord, order: UInt64, into writer: inout ByteWriter)
        -> (recordID: Int, content: Int, contentEnd: Int)
    {
        // One capacity check for the whole entry: its worst case is 8 varints, the three texts'
        // bounds and the service byte.
        writer.reserve(
            81 + ByteCursor.packedTextBound(record.recordID.count) + ByteCursor.packedTextBound(record.account.count)
                + ByteCursor.digitsBound(record.destination.count))
        let origin = writer.count
        let first = writer.cursor
        var cursor = first
        cursor.varint(order & RecordOrder.recordMask)
        let recordID = origin &+ first.next.distance(to: cursor.next)
        cursor.packedText(record.recordID)
        let content = origin &+ first.next.distance(to: cursor.next)
        cursor.packedText(record.account)
        cursor.digits(record.destination)
        cursor.byte(record.service.rawValue)
        cursor.signed(record.start &- startEpoch)
        cursor.varint(UInt64(record.durationSeconds))
        cursor.varint(UInt64(record.volumeBytes))
        let contentEnd = origin &+ first.next.distance(to: cursor.next)
        writeAmount(record.billedAmount, into: &cursor)
        cursor.varint(UInt64(record.billedQuantity))
        cursor.signed(Int64(record.cycle) &- cycleBase)
        writer.commit(cursor)
        return (recordID, content, contentEnd)
    }

    /// The entry at `base`, whose chunk's order bits are `chunkOrder`.
    static func read(_ base: UnsafeRawPointer, chunkOrder: UInt64) -> UsageKey {
        var reader = ByteReader(base)
        let order = chunkOrder | reader.varint()
        let id = ByteReader.unpack(reader.packedText())
        let account = ByteReader.unpack(reader.packedText())
        reader.skipDigits()
        let service = Service(rawValue: base.load(fromByteOffset: reader.offset, as: UInt8.self)) ?? .voice
        reader.offset += 1
        let start = reader.signed() &+ startEpoch
        let duration = Int64(reader.varint())
        let volume = Int64(reader.varint())
        let amount = readAmount(&reader)
        let quantity = Int64(reader.varint())
        let cycle = Int32(reader.signed() &+ cycleBase)
        return UsageKey(
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

/// The usage keys of one chunk, written by a worker, merged into the index by the coordinator.
/// Workers also hash the keys, so the serial merge only probes and compares.
struct UsageKeyBatch: Sendable, Codable, Equatable {
    /// The order bits of the batch's chunk (file and chunk; record bits 0): every entry is of one chunk.
    var chunkOrder: UInt64 = 0
    var bytes: [UInt8] = []
    /// Start offset of each record's entry in `bytes`.
    var offsets: [UInt32] = []
    var recordIDHashes: [UInt64] = []
    /// 0 for records without a content key (SMS).
    var contentHashes: [UInt64] = []
}

/// Builds one chunk's `UsageKeyBatch` in raw buffers: a worker appends every usage record, so
/// array appends (a uniqueness check and a capacity check each, three arrays per record) were
/// a measurable share of the key building. The arrays are made once, in `finish()`.
struct UsageKeyBatchBuilder: ~Copyable {
    private var writer: ByteWriter
    private var chunkOrder: UInt64 = 0
    private var count = 0
    private var capacity: Int
    private var offsets: UnsafeMutablePointer<UInt32>
    private var recordIDHashes: UnsafeMutablePointer<UInt64>
    private var contentHashes: UnsafeMutablePointer<UInt64>

    /// `bytes`: the chunk's size, a bound on its entries' bytes (an entry is shorter than its row).
    init(bytes: Int) {
        writer = ByteWriter(capacity: bytes)
        capacity = max(64, bytes / 64)
        offsets = .allocate(capacity: capacity)
        recordIDHashes = .allocate(capacity: capacity)
        contentHashes = .allocate(capacity: capacity)
    }

    deinit {
        offsets.deallocate()
        recordIDHashes.deallocate()
        contentHashes.deallocate()
    }

    mutating func append(_ record: UsageRecord, order: UInt64) {
        if count == 0 { chunkOrder = order & ~RecordOrder.recordMask }
        precondition(order & ~RecordOrder.recordMask == chunkOrder, "a key batch holds one chunk's records")
        if count == capacity { grow() }
        offsets[count] = UInt32(writer.count)
        let at = UsageKey.write(record, order: order, into: &writer)
        let base = UnsafeRawPointer(writer.base)
        recordIDHashes[count] = UsageKey.hash(
            UnsafeRawBufferPointer(start: base + at.recordID, count: at.content &- at.recordID),
            seed: UsageKey.recordIDSeed)
        // 0 means "no content key" (SMS), so a content key that hashes to 0 takes 1 instead: the
        // hash only picks a partition and bucket, so any fixed remapping stays exact.
        contentHashes[count] =
            record.service == .sms
            ? 0
            : max(
                1,
                UsageKey.hash(
                    UnsafeRawBufferPointer(start: base + at.content, count: at.contentEnd &- at.content),
                    seed: UsageKey.contentSeed))
        count &+= 1
    }

    private mutating func grow() {
        func moved<T>(_ old: UnsafeMutablePointer<T>, _ count: Int, _ capacity: Int) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            return new
        }
        capacity *= 2
        offsets = moved(offsets, count, capacity)
        recordIDHashes = moved(recordIDHashes, count, capacity)
        contentHashes = moved(contentHashes, count, capacity)
    }

    /// The batch of everything appended.
    consuming func finish() -> UsageKeyBatch {
        var batch = UsageKeyBatch()
        guard count > 0 else { return batch }
        batch.chunkOrder = chunkOrder
        batch.bytes = Array(writer.written)
        batch.offsets = Array(UnsafeBufferPointer(start: offsets, count: count))
        batch.recordIDHashes = Array(UnsafeBufferPointer(start: recordIDHashes, count: count))
        batch.contentHashes = Array(UnsafeBufferPointer(start: contentHashes, count: count))
        return batch
    }
}
