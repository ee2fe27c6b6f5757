/// The compact copy of one audited usage record that the duplicate index keeps: its input order,
/// both duplicate keys (record_id; account, service, start, destination, duration, volume) and
/// what a `duplicate-charge` finding needs (billed quantity and amount, cycle).
///
/// Layout: order (8 bytes), then varints: service, start, duration, volume, billed amount,
/// billed quantity, cycle, then record_id, account and destination as length + bytes.
struct UsageKey {
    var order: UInt64
    var service: Service
    var start: Int64
    var durationSeconds: Int64
    var volumeBytes: Int64
    var billedAmount: Money
    var billedQuantity: Int64
    var cycle: Int32
    var recordID: UnsafeRawBufferPointer
    var account: UnsafeRawBufferPointer
    var destination: UnsafeRawBufferPointer

    /// Only voice and data records are compared by content (DESIGN.md §4).
    var hasContentKey: Bool { service != .sms }

    static func write(_ record: UsageRecord, order: UInt64, into writer: inout ByteWriter) {
        writer.fixed64(order)
        writer.varint(UInt64(record.service.rawValue))
        writer.signed(record.start)
        writer.varint(UInt64(record.durationSeconds))
        writer.varint(UInt64(record.volumeBytes))
        writer.signed(record.billedAmount.micros)
        writer.varint(UInt64(record.billedQuantity))
        writer.varint(UInt64(record.cycle))
        writer.text(record.recordID)
        writer.text(record.account)
        writer.text(record.destination)
    }

    static func read(_ base: UnsafeRawPointer) -> (UsageKey, length: Int) {
        var reader = ByteReader(base)
        let order = reader.fixed64()
        let service = Service(rawValue: UInt8(reader.varint())) ?? .voice
        let start = reader.signed()
        let duration = Int64(reader.varint())
        let volume = Int64(reader.varint())
        let amount = Money(micros: reader.signed())
        let quantity = Int64(reader.varint())
        let cycle = Int32(reader.varint())
        let id = reader.text()
        let account = reader.text()
        let destination = reader.text()
        return (
            UsageKey(
                order: order, service: service, start: start, durationSeconds: duration, volumeBytes: volume,
                billedAmount: amount, billedQuantity: quantity, cycle: cycle, recordID: id, account: account,
                destination: destination), reader.offset
        )
    }

    static func recordIDHash(_ id: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = ByteHasher()
        hasher.combine(id)
        return hasher.value
    }

    static func contentHash(
        account: UnsafeRawBufferPointer, service: Service, start: Int64, destination: UnsafeRawBufferPointer,
        duration: Int64, volume: Int64
    ) -> UInt64 {
        var hasher = ByteHasher(seed: 0x2545_F491_4F6C_DD1D)
        hasher.combine(account)
        hasher.combine(destination)
        hasher.combine(UInt64(bitPattern: start))
        hasher.combine(UInt64(bitPattern: duration) &* 3 &+ UInt64(service.rawValue))
        hasher.combine(UInt64(bitPattern: volume))
        return hasher.value
    }

    var recordIDHash: UInt64 { Self.recordIDHash(recordID) }
    var contentHash: UInt64 {
        Self.contentHash(
            account: account, service: service, start: start, destination: destination, duration: durationSeconds,
            volume: volumeBytes)
    }

    func sameRecordID(as other: UsageKey) -> Bool { recordID.elementsEqual(other.recordID) }

    func sameContent(as other: UsageKey) -> Bool {
        service == other.service && start == other.start && durationSeconds == other.durationSeconds
            && volumeBytes == other.volumeBytes && account.elementsEqual(other.account)
            && destination.elementsEqual(other.destination)
    }
}

/// Input order of a record: file (16 bits), chunk in the file (24 bits), record in the chunk (24 bits).
enum RecordOrder {
    static let maxFiles = 1 << 16
    static let maxChunks = 1 << 24
    static let maxRecordsPerChunk = 1 << 24

    @inline(__always)
    static func make(_ position: ChunkPosition, record: Int) -> UInt64 {
        UInt64(position.file) << 48 | UInt64(position.sequence) << 24 | UInt64(record)
    }
}

/// The usage keys of one chunk, written by a worker, merged into the index by the coordinator.
struct UsageKeyBatch: Sendable {
    var bytes: [UInt8] = []
    /// Start offset in `bytes` and the two hashes of each record (content hash 0 = none).
    var offsets: [UInt32] = []
    var recordIDHashes: [UInt64] = []
    var contentHashes: [UInt64] = []
}
