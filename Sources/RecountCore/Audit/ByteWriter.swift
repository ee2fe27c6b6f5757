/// Appends fixed-width and LEB128 varint fields to a growable byte buffer; `ByteReader` reads
/// them back. Used for the compact per-record entries of the duplicate index, ~50 bytes a
/// record on the hot path: raw storage with one capacity check per field, where `[UInt8].append`
/// paid a uniqueness and capacity check per byte. Owns its memory (noncopyable, freed in deinit).
/// Positions use wrapping arithmetic (`&+`): they are bounded by the allocation, so the
/// overflow checks could never fire, and they were a measurable share of the key building.
struct ByteWriter: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written so far.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }

    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        guard count &+ extra > capacity else { return }
        var bigger = capacity * 2
        while count + extra > bigger { bigger *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: bigger, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = bigger
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: count, as: UInt8.self)
            count &+= 1
            value >>= 7
        }
        base.storeBytes(of: UInt8(value), toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    /// The bytes as they are (no length): for text output such as CSV rows.
    @inline(__always)
    mutating func raw(_ field: UnsafeRawBufferPointer) {
        reserve(field.count)
        if field.count <= 16 {
            // Most fields are a few bytes: a byte loop beats a call into memmove.
            for index in 0..<field.count {
                base.storeBytes(of: field[index], toByteOffset: count &+ index, as: UInt8.self)
            }
        } else {
            (base + count).copyMemory(from: field.baseAddress!, byteCount: field.count)
        }
        count &+= field.count
    }

    /// Zigzag so small negative numbers stay short.
    @inline(__always)
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    mutating func text(_ field: UnsafeRawBufferPointer) {
        varint(UInt64(field.count))
        reserve(field.count)
        if !field.isEmpty { (base + count).copyMemory(from: field.baseAddress!, byteCount: field.count) }
        count &+= field.count
    }

    /// Text with each pair of adjacent ASCII digits packed into one byte (0x80 + the pair's
    /// value), after a varint of `encoded length << 1 | 1`. Identifiers such as `U0000001234` take
    /// about half their bytes. Text with a byte ≥ 0x80 (where a pair byte would be ambiguous) is
    /// stored as it is, flag 0. Canonical — equal texts give equal bytes, and the encoding decodes
    /// back to exactly one text — so keys still compare as plain byte ranges.
    @inline(__always)
    mutating func packedText(_ field: UnsafeRawBufferPointer) {
        // Room for the worst case: a 10-byte prefix and every byte literal.
        reserve(field.count + 10)
        let start = count
        // Encode after a one-byte prefix (the usual case: fewer than 64 encoded bytes).
        var out = count &+ 1
        var index = 0
        var packable = true
        while index < field.count {
            // Eight digits at once (identifiers are mostly digit runs): the same pairs the byte
            // loop would make, as the greedy pairing only depends on where it starts.
            if index + 8 <= field.count {
                let word = field.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if Self.allDigits(word) {
                    let pairs = Self.digitPairs(word, first: 10) &+ 0x0080_0080_0080_0080
                    base.storeBytes(of: Self.lowBytesOfLanes(pairs), toByteOffset: out, as: UInt32.self)
                    index &+= 8
                    out &+= 4
                    continue
                }
            }
            let byte = field[index]
            if byte >= 0x80 {
                packable = false
                break
            }
            if byte &- 48 < 10, index + 1 < field.count, field[index + 1] &- 48 < 10 {
                base.storeBytes(
                    of: 0x80 + (byte &- 48) &* 10 + (field[index + 1] &- 48), toByteOffset: out, as: UInt8.self)
                index &+= 2
            } else {
                base.storeBytes(of: byte, toByteOffset: out, as: UInt8.self)
                index &+= 1
            }
            out &+= 1
        }
        guard packable else {
            count = start
            varint(UInt64(field.count) << 1)
            reserve(field.count)
            if !field.isEmpty { (base + count).copyMemory(from: field.baseAddress!, byteCount: field.count) }
            count &+= field.count
            return
        }
        let encoded = out - (start + 1)
        if encoded < 64 {
            base.storeBytes(of: UInt8(encoded << 1 | 1), toByteOffset: start, as: UInt8.self)
            count = out
        } else {
            // A longer prefix: move the encoded bytes up to make room for it.
            var prefix = UInt64(encoded) << 1 | 1
            var prefixBytes = 1
            while prefix >= 0x80 {
                prefix >>= 7
                prefixBytes &+= 1
            }
            (base + start + prefixBytes).copyMemory(from: base + start + 1, byteCount: encoded)
            count = start
            varint(UInt64(encoded) << 1 | 1)
            count &+= encoded
        }
    }

    /// True when all eight bytes are ASCII digits: high nibble 3, and adding 6 does not carry
    /// out of the low nibble (no byte-to-byte carry is possible).
    @inline(__always)
    static func allDigits(_ word: UInt64) -> Bool {
        let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let threes: UInt64 = 0x3030_3030_3030_3030
        return word & highs == threes && (word &+ 0x0606_0606_0606_0606) & highs == threes
    }

    /// Eight ASCII digits (first character in the low byte) as four 16-bit lanes, each
    /// `first × multiplier + second` of one pair (10: the pair's value; 16: packed BCD).
    @inline(__always)
    static func digitPairs(_ word: UInt64, first multiplier: UInt64) -> UInt64 {
        let values = word &- 0x3030_3030_3030_3030
        let lanes: UInt64 = 0x00FF_00FF_00FF_00FF
        return (values & lanes) &* multiplier &+ ((values >> 8) & lanes)
    }

    /// The low byte of each 16-bit lane, packed into four bytes in order.
    @inline(__always)
    static func lowBytesOfLanes(_ lanes: UInt64) -> UInt32 {
        UInt32(
            truncatingIfNeeded: lanes & 0xFF | (lanes >> 8) & 0xFF00 | (lanes >> 16) & 0xFF_0000 | (lanes >> 24)
                & 0xFF00_0000)
    }

    /// ASCII digits packed two to a byte (a lone last digit in the low nibble, 0xF above it),
    /// after their count: half the bytes of text, still canonical.
    @inline(__always)
    mutating func digits(_ field: UnsafeRawBufferPointer) {
        varint(UInt64(field.count))
        reserve((field.count + 1) / 2 + 4)
        var index = 0
        while index + 8 <= field.count {
            let pairs = Self.digitPairs(field.loadUnaligned(fromByteOffset: index, as: UInt64.self), first: 16)
            base.storeBytes(of: Self.lowBytesOfLanes(pairs), toByteOffset: count, as: UInt32.self)
            count &+= 4
            index &+= 8
        }
        while index + 1 < field.count {
            base.storeBytes(
                of: (field[index] &- 48) << 4 | (field[index + 1] &- 48), toByteOffset: count, as: UInt8.self)
            count &+= 1
            index &+= 2
        }
        if index < field.count {
            base.storeBytes(of: 0xF0 | (field[index] &- 48), toByteOffset: count, as: UInt8.self)
            count &+= 1
        }
    }
}

struct ByteReader {
    let base: UnsafeRawPointer
    var offset = 0

    init(_ base: UnsafeRawPointer) { self.base = base }

    @inline(__always)
    mutating func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    @inline(__always)
    mutating func signed() -> Int64 {
        let raw = varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    @inline(__always)
    mutating func text() -> UnsafeRawBufferPointer {
        let count = Int(varint())
        defer { offset += count }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// Skips a `packedText` field; returns its encoded bytes (prefix excluded) and whether packed.
    @inline(__always)
    mutating func packedText() -> (bytes: UnsafeRawBufferPointer, packed: Bool) {
        let prefix = varint()
        let count = Int(prefix >> 1)
        defer { offset += count }
        return (UnsafeRawBufferPointer(start: base + offset, count: count), prefix & 1 == 1)
    }

    /// The text a `packedText` field holds.
    static func unpack(_ field: (bytes: UnsafeRawBufferPointer, packed: Bool)) -> [UInt8] {
        guard field.packed else { return Array(field.bytes) }
        var text: [UInt8] = []
        text.reserveCapacity(field.bytes.count * 2)
        for byte in field.bytes {
            if byte >= 0x80 {
                let pair = byte - 0x80
                text.append(48 + pair / 10)
                text.append(48 + pair % 10)
            } else {
                text.append(byte)
            }
        }
        return text
    }

    @inline(__always)
    mutating func skipDigits() {
        let count = Int(varint())
        offset += (count + 1) / 2
    }
}
