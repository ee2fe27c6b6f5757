import CByteScan
import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// RFC 4180 over the bytes of one chunk: finds each record's fields without building a
/// `String`, unquoting only fields that are quoted (and copying only those with doubled quotes).
///
/// Usage: `reset(bytes)` then `next()` until `.end`; after `.record`, `field(i)` is valid until
/// the next call. Line numbers are physical lines counted from the chunk's start (0-based).
public final class CSVScanner {
    public enum Outcome: Equatable {
        case record
        case blank
        case malformed(String)
        case end
    }

    /// Field slots kept; fields past this are counted but not stored.
    public let capacity: Int
    private let starts: UnsafeMutablePointer<UnsafeRawPointer?>
    private let lengths: UnsafeMutablePointer<Int>
    private var scratch: UnsafeMutableRawPointer
    private var scratchCapacity: Int
    private var scratchUsed = 0

    private var base: UnsafeRawPointer = UnsafeRawPointer(bitPattern: 1)!
    private var end = 0
    private var position = 0

    /// Fields found in the last record (may exceed `capacity`).
    public private(set) var fieldCount = 0
    /// Offsets of the last record in the chunk: `[recordStart, recordEnd)` (end includes the newline).
    public private(set) var recordStart = 0
    public private(set) var recordEnd = 0
    /// Physical line (0-based, from the chunk start) of the last record's first byte.
    public private(set) var recordLine = 0
    /// Physical lines seen so far (newlines consumed).
    public private(set) var linesConsumed = 0

    /// The 64-byte block the fast path is walking and its separator bits not yet consumed.
    /// `blockStart` far above any offset means "no block": the next record loads one.
    private static let noBlock = Int.max / 2
    private var blockStart = CSVScanner.noBlock
    private var blockSeparators: UInt64 = 0
    private var blockNewlines: UInt64 = 0

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        starts = .allocate(capacity: self.capacity)
        starts.initialize(repeating: nil, count: self.capacity)
        lengths = .allocate(capacity: self.capacity)
        lengths.initialize(repeating: 0, count: self.capacity)
        scratchCapacity = 1 << 16
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        scratch.deallocate()
    }

    public func reset(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = bytes.count
        position = 0
        linesConsumed = 0
        blockStart = Self.noBlock
        // Unquoted text never grows, so the chunk's size bounds any record's unescaped fields.
        if bytes.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = bytes.count
            scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
        }
    }

    @inline(__always)
    public func field(_ index: Int) -> UnsafeRawBufferPointer {
        // index < capacity is the caller's contract (column indexes come from the header).
        UnsafeRawBufferPointer(start: starts[index], count: lengths[index])
    }

    /// The raw bytes of the last record, line end excluded.
    public var rawRecord: UnsafeRawBufferPointer {
        var stop = recordEnd
        if stop > recordStart, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0a { stop -= 1 }
        if stop > recordStart, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0d { stop -= 1 }
        return UnsafeRawBufferPointer(start: base + recordStart, count: stop - recordStart)
    }

    @inline(__always)
    private func store(_ index: Int, _ base: UnsafeRawPointer, _ start: Int, _ stop: Int) {
        if index < capacity {
            starts[index] = base + start
            lengths[index] = stop - start
        }
    }

    /// Advances over one record.
    public func next() -> Outcome {
        // Locals, not properties, in the loop: class property accesses carry exclusivity checks.
        let base = self.base
        let end = self.end
        let position = self.position
        guard position < end else { return .end }
        recordStart = position
        recordLine = linesConsumed
        scratchUsed = 0
        if let outcome = nextFromBitmaps(base: base, end: end, position: position) { return outcome }
        return nextByBytes(base: base, end: end, position: position)
    }

    /// The common record — no quote anywhere in the 64-byte blocks it spans, not at the chunk's
    /// last 64 bytes — found from bitmaps of its separators: a few instructions per field instead
    /// of a few per byte. Returns nil (having changed nothing the byte loop reads) for any other
    /// record, which `nextByBytes` then scans; a blank line goes there too.
    @inline(__always)
    private func nextFromBitmaps(base: UnsafeRawPointer, end: Int, position: Int) -> Outcome? {
        var blockStart = self.blockStart
        var separators = blockSeparators
        var newlines = blockNewlines
        let into = position &- blockStart
        if into < 0 || into >= 64 {
            guard position + 64 <= end else { return nil }
            let masks = recount_csv_block_masks(base + position)
            guard masks.quotes == 0 else { return nil }
            blockStart = position
            separators = masks.separators
            newlines = masks.newlines
        } else {
            // Bits before the record were consumed (or belong to a blank line the byte loop took).
            separators &= ~0 << UInt64(into)
        }
        // A blank line (LF or CRLF) is the byte loop's.
        let first = base.load(fromByteOffset: position, as: UInt8.self)
        if first == 0x0a || first == 0x0d {
            self.blockStart = Self.noBlock
            return nil
        }
        var fields = 0
        var fieldStart = position
        // Locals: the compiler cannot keep properties in registers across the stores below.
        let capacity = self.capacity
        let starts = self.starts
        let lengths = self.lengths
        while true {
            if separators == 0 {
                let next = blockStart &+ 64
                guard next + 64 <= end else {
                    self.blockStart = Self.noBlock
                    return nil
                }
                let masks = recount_csv_block_masks(base + next)
                guard masks.quotes == 0 else {
                    self.blockStart = Self.noBlock
                    return nil
                }
                blockStart = next
                separators = masks.separators
                newlines = masks.newlines
                continue
            }
            let bit = UInt64(separators.trailingZeroBitCount)
            separators &= separators &- 1
            let at = blockStart &+ Int(bit)
            if newlines & 1 << bit != 0 {
                var stop = at
                if stop > fieldStart, base.load(fromByteOffset: stop &- 1, as: UInt8.self) == 0x0d { stop &-= 1 }
                if fields < capacity {
                    starts[fields] = base + fieldStart
                    lengths[fields] = stop &- fieldStart
                }
                fields &+= 1
                self.position = at &+ 1
                recordEnd = at &+ 1
                linesConsumed &+= 1
                fieldCount = fields
                self.blockStart = blockStart
                blockSeparators = separators
                blockNewlines = newlines
                return .record
            }
            if fields < capacity {
                starts[fields] = base + fieldStart
                lengths[fields] = at &- fieldStart
            }
            fields &+= 1
            fieldStart = at &+ 1
        }
    }

    /// One record scanned a byte (or a word) at a time: quoted fields, blank lines, the chunk's tail.
    private func nextByBytes(base: UnsafeRawPointer, end: Int, position: Int) -> Outcome {
        blockStart = Self.noBlock
        var index = position
        var fieldStart = position
        var fields = 0
        let first = base.load(fromByteOffset: position, as: UInt8.self)
        if first == 0x0a
            || (first == 0x0d && position + 1 < end && base.load(fromByteOffset: position + 1, as: UInt8.self) == 0x0a)
        {
            self.position = position + (first == 0x0a ? 1 : 2)
            recordEnd = self.position
            linesConsumed += 1
            return .blank
        }
        scan: while true {
            if index == end {
                // Last record of the file without a line end.
                var stop = index
                if stop > fieldStart, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0d { stop -= 1 }
                store(fields, base, fieldStart, stop)
                fields += 1
                break scan
            }
            // Eight bytes at a time: skip words holding none of ',', '\n', '"'; else jump to the first.
            if index + 8 <= end {
                let special = Self.specialBytes(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if special == 0 {
                    index += 8
                    continue
                }
                index += special.trailingZeroBitCount >> 3
            }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            // Bytes above '"' other than ',' are ordinary text: one compare rejects most bytes.
            if byte > 0x2c || (byte != 0x2c && byte != 0x0a && byte != 0x22) {
                index += 1
                continue
            }
            if byte == 0x2c {
                store(fields, base, fieldStart, index)
                fields += 1
                index += 1
                fieldStart = index
                continue
            }
            if byte == 0x0a {
                var stop = index
                if stop > fieldStart, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0d { stop -= 1 }
                store(fields, base, fieldStart, stop)
                fields += 1
                index += 1
                linesConsumed += 1
                break scan
            }
            // A quote: only legal as the first byte of a field.
            guard index == fieldStart else {
                return skipMalformed(from: recordStart, reason: "stray quote inside an unquoted field")
            }
            switch quotedField(at: index, fieldIndex: fields) {
            case .success(let after):
                fields += 1
                if after == end {
                    index = after
                    break scan
                }
                let next = base.load(fromByteOffset: after, as: UInt8.self)
                if next == 0x2c {
                    index = after + 1
                    fieldStart = index
                    continue
                }
                if next == 0x0a {
                    index = after + 1
                    linesConsumed += 1
                    break scan
                }
                if next == 0x0d, after + 1 < end, base.load(fromByteOffset: after + 1, as: UInt8.self) == 0x0a {
                    index = after + 2
                    linesConsumed += 1
                    break scan
                }
                return skipMalformed(from: recordStart, reason: "unexpected text after a closing quote")
            case .failure(let reason):
                return skipMalformed(from: recordStart, reason: reason)
            }
        }
        self.position = index
        recordEnd = index
        fieldCount = fields
        return .record
    }

    /// High bit set in the lowest byte of `word` (little-endian) that is ',', '\n' or '"', and
    /// possibly in bytes above it (SWAR zero-byte test: a borrow can only run upwards), so only the
    /// lowest set bit is meaningful; 0 when no byte is special.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let comma = word ^ (ones &* 0x2c)
        let newline = word ^ (ones &* 0x0a)
        let quote = word ^ (ones &* 0x22)
        return ((comma &- ones) & ~comma | (newline &- ones) & ~newline | (quote &- ones) & ~quote) & highs
    }

    private enum QuotedResult {
        case success(Int)
        case failure(String)
    }

    /// Parses the quoted field starting at `quote`; returns the offset just after its closing quote.
    private func quotedField(at quote: Int, fieldIndex: Int) -> QuotedResult {
        var cursor = quote + 1
        var escaped = false
        var newlines = 0
        while true {
            guard cursor < end, let found = memchr(base + cursor, 0x22, end - cursor) else {
                return .failure("unterminated quoted field")
            }
            let at = base.distance(to: UnsafeRawPointer(found))
            newlines += countNewlines(cursor, at)
            if at + 1 < end, base.load(fromByteOffset: at + 1, as: UInt8.self) == 0x22 {
                escaped = true
                cursor = at + 2
                continue
            }
            linesConsumed += newlines
            if !escaped {
                store(fieldIndex, base, quote + 1, at)
            } else if fieldIndex < capacity {
                // Copy with each doubled quote made single.
                let out = scratch + scratchUsed
                var written = 0
                var read = quote + 1
                while read < at {
                    let byte = base.load(fromByteOffset: read, as: UInt8.self)
                    out.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
                    written += 1
                    read += byte == 0x22 ? 2 : 1
                }
                starts[fieldIndex] = UnsafeRawPointer(out)
                lengths[fieldIndex] = written
                scratchUsed += written
            }
            return .success(at + 1)
        }
    }

    private func countNewlines(_ from: Int, _ to: Int) -> Int {
        var count = 0
        var cursor = from
        while cursor < to, let found = memchr(base + cursor, 0x0a, to - cursor) {
            count += 1
            cursor = base.distance(to: UnsafeRawPointer(found)) + 1
        }
        return count
    }

    /// Moves past a malformed record: to its end by `RecordEnds` (the chunker's rule), counting
    /// the lines it spans.
    private func skipMalformed(from start: Int, reason: String) -> Outcome {
        let rest = UnsafeRawBufferPointer(start: base + start, count: end - start)
        let cursor = RecordEnds.first(rest).map { start + $0 + 1 } ?? end
        linesConsumed = recordLine + countNewlines(start, cursor)
        position = cursor
        recordEnd = cursor
        fieldCount = 0
        return .malformed(reason)
    }
}
