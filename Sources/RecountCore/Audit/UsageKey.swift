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
///
/// The buffers are the builder's own, handed over without a copy (copying ~55 bytes a record
/// into arrays, and faulting in the arrays' fresh pages, was ~1.5 % of a run); `Storage` frees
/// them when the last copy of the batch goes. Immutable once built, so it is `Sendable`.
/// Codable as plain arrays: a partial written to disk carries its keys.
struct UsageKeyBatch: Sendable, Codable, Equatable {
    /// The order bits of the batch's chunk (file and chunk; record bits 0): every entry is of one chunk.
    var chunkOrder: UInt64 = 0
    private var storage: Storage?

    init() {}

    fileprivate init(chunkOrder: UInt64, storage: Storage) {
        self.chunkOrder = chunkOrder
        self.storage = storage
    }

    /// A batch holding copies of these arrays (equal lengths; every offset inside `bytes`).
    init(chunkOrder: UInt64, bytes: [UInt8], offsets: [UInt32], recordIDHashes: [UInt64], contentHashes: [UInt64]) {
        precondition(recordIDHashes.count == offsets.count && contentHashes.count == offsets.count)
        self.chunkOrder = chunkOrder
        if !offsets.isEmpty {
            storage = Storage(
                bytes: bytes, offsets: offsets, recordIDHashes: recordIDHashes, contentHashes: contentHashes)
        }
    }

    var count: Int { storage?.count ?? 0 }
    var isEmpty: Bool { count == 0 }
    /// Every entry, back to back.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage?.bytes, count: storage?.byteCount ?? 0) }
    /// Start offset of each record's entry in `bytes`.
    var offsets: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: storage?.offsets, count: count) }
    var recordIDHashes: UnsafeBufferPointer<UInt64> {
        UnsafeBufferPointer(start: storage?.recordIDHashes, count: count)
    }
    /// 0 for records without a content key (SMS).
    var contentHashes: UnsafeBufferPointer<UInt64> { UnsafeBufferPointer(start: storage?.contentHashes, count: count) }

    /// Owns the buffers; `@unchecked Sendable`: nothing writes to them after the builder hands them over.
    fileprivate final class Storage: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let byteCount: Int
        let offsets: UnsafeMutablePointer<UInt32>
        let recordIDHashes: UnsafeMutablePointer<UInt64>
        let contentHashes: UnsafeMutablePointer<UInt64>
        let count: Int

        init(
            bytes: UnsafeMutableRawPointer, byteCount: Int, offsets: UnsafeMutablePointer<UInt32>,
            recordIDHashes: UnsafeMutablePointer<UInt64>, contentHashes: UnsafeMutablePointer<UInt64>, count: Int
        ) {
            self.bytes = bytes
            self.byteCount = byteCount
            self.offsets = offsets
            self.recordIDHashes = recordIDHashes
            self.contentHashes = contentHashes
            self.count = count
        }

        /// Copies of arrays (a decoded batch).
        convenience init(bytes: [UInt8], offsets: [UInt32], recordIDHashes: [UInt64], contentHashes: [UInt64]) {
            func copy<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
                let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
                _ = UnsafeMutableBufferPointer(start: pointer, count: array.count).initialize(from: array)
                return pointer
            }
            let raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
            bytes.withUnsafeBytes { if let base = $0.baseAddress { raw.copyMemory(from: base, byteCount: $0.count) } }
            self.init(
                bytes: raw, byteCount: bytes.count, offsets: copy(offsets), recordIDHashes: copy(recordIDHashes),
                contentHashes: copy(contentHashes), count: offsets.count)
        }

        deinit {
            bytes.deallocate()
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
            offsets.allSatisfy({ Int($0) < bytes.count })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .offsets, in: container, debugDescription: "key batch arrays disagree in length or offsets")
        }
        self.init(
            chunkOrder: chunkOrder, bytes: bytes, offsets: offsets, recordIDHashes: recordIDHashes,
            contentHashes: contentHashes)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(chunkOrder, forKey: .chunkOrder)
        try container.encode(Array(bytes), forKey: .bytes)
        try container.encode(Array(offsets), forKey: .offsets)
        try container.encode(Array(recordIDHashes), forKey: .recordIDHashes)
        try container.encode(Array(contentHashes), forKey: .contentHashes)
    }

    static func == (lhs: UsageKeyBatch, rhs: UsageKeyBatch) -> Bool {
        lhs.chunkOrder == rhs.chunkOrder && lhs.bytes.elementsEqual(rhs.bytes) && lhs.offsets.elementsEqual(rhs.offsets)
            && lhs.recordIDHashes.elementsEqual(rhs.recordIDHashes)
            && lhs.contentHashes.elementsEqual(rhs.contentHashes)
    }
}

/// Builds one chunk's `UsageKeyBatch` in raw buffers: a worker appends every usage record, so
/// array appends (a uniqueness check and a capacity check each, three arrays per record) were
/// a measurable share of the key building. `finish()` hands the buffers to the batch as they are.
struct UsageKeyBatchBuilder: ~Copyable {
    private var writer: ByteWriter
    private var chunkOrder: UInt64 = 0
    private var count = 0
    private var capacity: Int
    private var offsets: UnsafeMutablePointer<UInt32>
    private var recordIDHashes: UnsafeMutablePointer<UInt64>
    private var contentHashes: UnsafeMutablePointer<UInt64>
    /// The buffers went to a batch: the deinit must not free them.
    private var handedOver = false

    /// `bytes`: the chunk's size, a bound on its entries' bytes (an entry is shorter than its row).
    init(bytes: Int) {
        writer = ByteWriter(capacity: bytes)
        capacity = max(64, bytes / 64)
        offsets = .allocate(capacity: capacity)
        recordIDHashes = .allocate(capacity: capacity)
        contentHashes = .allocate(capacity: capacity)
    }

    deinit {
        guard !handedOver else { return }
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

    /// The batch of everything appended, in the builder's own buffers (no copy).
    consuming func finish() -> UsageKeyBatch {
        guard count > 0 else { return UsageKeyBatch() }
        let (bytes, byteCount) = writer.handOver()
        handedOver = true
        return UsageKeyBatch(
            chunkOrder: chunkOrder,
            storage: .init(
                bytes: bytes, byteCount: byteCount, offsets: offsets, recordIDHashes: recordIDHashes,
                contentHashes: contentHashes, count: count))
    }
}
