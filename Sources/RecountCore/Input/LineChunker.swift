import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Cuts one file's decompressed bytes into record-aligned chunks.
///
/// A chunk always ends just after a newline that is outside every quoted field, so a worker
/// can scan it without knowing its neighbours. "Outside" is decided by `RecordEnds` from the
/// chunk's start (itself a record start), the rule `CSVScanner` also skips a malformed record
/// by, so both always agree on where records end.
final class LineChunker {
    let inflater: Inflater
    let path: String
    let chunkSize: Int
    let maxRecordBytes: Int
    /// The tail of the last fill: the start of a record not yet complete.
    private var carry: UnsafeMutableRawBufferPointer
    private var carryCount = 0
    private var atEnd = false

    init(inflater: Inflater, chunkSize: Int, maxRecordBytes: Int = 64 << 20) {
        self.inflater = inflater
        path = inflater.source.path
        self.chunkSize = max(chunkSize, 1)
        self.maxRecordBytes = maxRecordBytes
        carry = MappedMemory.allocate(byteCount: max(chunkSize, 4096))
    }

    deinit { MappedMemory.deallocate(carry) }

    /// The header record (UTF-8 BOM skipped, line end removed) and how many physical lines it spans.
    func readHeader() throws(InputError) -> (bytes: [UInt8], lines: Int) {
        let buffer = ChunkBuffer(capacity: max(chunkSize, 4096))
        var filled = 0
        while true {
            let boundary = RecordEnds.first(UnsafeRawBufferPointer(rebasing: buffer.storage[0..<filled]))
            if let boundary {
                var header = Array(UnsafeRawBufferPointer(rebasing: buffer.storage[0..<boundary]))
                stash(UnsafeRawBufferPointer(rebasing: buffer.storage[(boundary + 1)..<filled]))
                let lines = header.reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) }
                if header.last == 0x0d { header.removeLast() }
                return (Self.droppingBOM(header), lines)
            }
            if filled == buffer.capacity {
                guard filled < maxRecordBytes else { throw .recordTooLong(file: path, line: 1, limit: maxRecordBytes) }
                buffer.grow(to: buffer.capacity * 2, keeping: filled)
            }
            let count = try inflater.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.storage[filled...]))
            if count == 0 {
                guard filled > 0 else { throw .emptyFile(file: path) }
                atEnd = true
                var header = Array(UnsafeRawBufferPointer(rebasing: buffer.storage[0..<filled]))
                if header.last == 0x0d { header.removeLast() }
                return (Self.droppingBOM(header), header.reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) })
            }
            filled += count
        }
    }

    private static func droppingBOM(_ header: [UInt8]) -> [UInt8] {
        header.starts(with: [0xef, 0xbb, 0xbf]) ? Array(header.dropFirst(3)) : header
    }

    private func stash(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > carry.count {
            MappedMemory.deallocate(carry)
            carry = MappedMemory.allocate(byteCount: bytes.count)
        }
        if !bytes.isEmpty { carry.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        carryCount = bytes.count
    }

    /// Fills `buffer` with the next chunk of whole records; false when the file has no more bytes.
    func fill(_ buffer: ChunkBuffer) throws(InputError) -> Bool {
        if buffer.capacity < max(chunkSize, carryCount + 1) {
            buffer.grow(to: max(chunkSize, carryCount * 2), keeping: 0)
        }
        if carryCount > 0 { buffer.storage.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carryCount) }
        var filled = carryCount
        carryCount = 0
        var scanned = 0
        while true {
            while !atEnd, filled < buffer.capacity {
                let count = try inflater.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.storage[filled...]))
                if count == 0 { atEnd = true } else { filled += count }
                if filled >= chunkSize { break }
            }
            if atEnd {
                buffer.count = filled
                return filled > 0
            }
            if let boundary = RecordEnds.last(UnsafeRawBufferPointer(rebasing: buffer.storage[0..<filled])) {
                buffer.count = boundary + 1
                stash(UnsafeRawBufferPointer(rebasing: buffer.storage[(boundary + 1)..<filled]))
                return true
            }
            // No complete record yet: one record is longer than the buffer.
            scanned = filled
            guard scanned < maxRecordBytes else {
                throw .recordTooLong(file: path, line: 0, limit: maxRecordBytes)
            }
            buffer.grow(to: buffer.capacity * 2, keeping: filled)
        }
    }
}
