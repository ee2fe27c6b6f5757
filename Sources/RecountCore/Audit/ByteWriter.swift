/// Appends bytes, LEB128 varints and packed text to a growable buffer; `ByteReader` reads them
/// back. Holds formatted report rows (one capacity check per field), where `[UInt8].append`
/// paid a uniqueness and capacity check per byte. (The duplicate index's entries are written
/// with the same `ByteCursor` straight into their `EntryBlock`.) Owns its memory
/// (noncopyable, freed in deinit).
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
    mutating func reserve(_ extra: Int) {
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
    mutating func varint(_ value: UInt64) { write(reserving: 10) { $0.varint(value) } }

    /// Reserves `extra` bytes, lets `body` write up to that many through a cursor, takes them in.
    @inline(__always)
    mutating func write(reserving extra: Int, _ body: (inout ByteCursor) -> Void) {
        reserve(extra)
        var cursor = self.cursor
        body(&cursor)
        commit(cursor)
    }

    /// Where the next byte goes, for writing many fields after one `reserve` of their total
    /// worst case (`ByteCursor` checks no capacity); `commit` then takes the bytes in.
    var cursor: ByteCursor { ByteCursor(base + count) }

    @inline(__always)
    mutating func commit(_ cursor: ByteCursor) { count = base.distance(to: cursor.next) }

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

    /// Text with digit pairs packed (`ByteCursor.packedText`).
    @inline(__always)
    mutating func packedText(_ field: UnsafeRawBufferPointer) {
        write(reserving: ByteCursor.packedTextBound(field.count)) { $0.packedText(field) }
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

    /// ASCII digits packed two to a byte (`ByteCursor.digits`).
    @inline(__always)
    mutating func digits(_ field: UnsafeRawBufferPointer) {
        write(reserving: ByteCursor.digitsBound(field.count)) { $0.digits(field) }
    }
}

/// Writes fields at a raw position with no capacity check: the caller reserved room for the
/// worst case of everything it writes (`packedTextBound`, `digitsBound`, 10 per varint). One
/// check per record instead of one per field, and a pointer the compiler keeps in a register.
struct ByteCursor {
    private(set) var next: UnsafeMutableRawPointer

    init(_ next: UnsafeMutableRawPointer) { self.next = next }

    /// Moves past `count` bytes the caller stored at `next`.
    @inline(__always)
    mutating func skip(_ count: Int) { next += count }

    /// Copies `count` bytes from `source` (not overlapping the destination) and moves past them.
    /// Up to 32 bytes — report fields, record_ids with a long shared prefix, detail pieces —
    /// without a call into `memmove` (a call per field was ~4 % of a run where nearly every row
    /// is a finding): loads and stores that overlap inside the range when it is not a power of two.
    @inline(__always)
    mutating func copy(_ source: UnsafeRawPointer, count: Int) {
        if count >= 8 {
            if count <= 16 {
                let head = source.loadUnaligned(as: UInt64.self)
                let tail = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                next.storeBytes(of: head, as: UInt64.self)
                next.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
            } else if count <= 32 {
                let first = source.loadUnaligned(as: UInt64.self)
                let second = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let third = source.loadUnaligned(fromByteOffset: count &- 16, as: UInt64.self)
                let fourth = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                next.storeBytes(of: first, as: UInt64.self)
                next.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
                next.storeBytes(of: third, toByteOffset: count &- 16, as: UInt64.self)
                next.storeBytes(of: fourth, toByteOffset: count &- 8, as: UInt64.self)
            } else {
                next.copyMemory(from: source, byteCount: count)
            }
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            next.storeBytes(of: head, as: UInt32.self)
            next.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        } else {
            for index in 0..<count {
                next.storeBytes(
                    of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self)
            }
        }
        next += count
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        next.storeBytes(of: value, as: UInt8.self)
        next += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            next.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, as: UInt8.self)
            next += 1
            value >>= 7
        }
        next.storeBytes(of: UInt8(value), as: UInt8.self)
        next += 1
    }

    /// Zigzag so small negative numbers stay short.
    @inline(__always)
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    /// Room `packedText` may take: a 10-byte prefix and every byte literal.
    @inline(__always)
    static func packedTextBound(_ count: Int) -> Int { count &+ 10 }

    /// Room `digits` may take: its count, then half the digits rounded up, plus the 4-byte stores' slack.
    @inline(__always)
    static func digitsBound(_ count: Int) -> Int { (count &+ 1) / 2 &+ 14 }

    /// Text with each pair of adjacent ASCII digits packed into one byte (0x80 + the pair's
    /// value), after a varint of `encoded length << 1 | 1`. Identifiers such as `U0000001234` take
    /// about half their bytes. Hex in the text is packed too, each as a token of a byte no pair
    /// takes (`HexToken`): a canonical UUID that starts the text or follows a byte that is not
    /// a hex digit (`CDR-` + a UUID, an uppercase one) as its 16 bytes, and, where no pair
    /// starts, a run of 16 or more hex digits of one case (a SHA-1 digest) two digits a byte. Text with a byte ≥ 0x80 (where a pair or token byte would be ambiguous) is
    /// stored as it is, flag 0. A whole text that is a canonical lowercase UUID (`UUIDText`) is a 0 byte — a prefix
    /// neither form writes (a text stored as it is has a byte, so a length) — and its 16 bytes:
    /// 17 bytes, not 37. Canonical — equal texts give equal bytes (the greedy choice at each
    /// position depends only on the text), and the encoding decodes back to exactly one text —
    /// so keys still compare as plain byte ranges.
    @inline(__always)
    mutating func packedText(_ field: UnsafeRawBufferPointer) {
        let start = next
        let count = field.count
        if count == UUIDText.length, let (uuid, letters) = UUIDText.parse(field.baseAddress!) {
            if letters == .lower {
                start.storeBytes(of: 0 as UInt8, as: UInt8.self)
                UUIDText.store(uuid, to: start + 1)
                next = start + 17
            } else {
                // What the packing below writes for it (its one token), without parsing it twice.
                start.storeBytes(of: UInt8(HexToken.uuidBytes << 1 | 1), as: UInt8.self)
                next = start + 1 + HexToken.write(uuid, letters: letters, to: start + 1)
            }
            return
        }
        // Encode after a one-byte prefix (the usual case: fewer than 64 encoded bytes).
        var out = start + 1
        if let source = field.baseAddress {
            // A text under 16 bytes holds no hex token: it takes the loop without their checks
            // (~25 instructions a record with numbered ids otherwise).
            let end =
                count < HexToken.minimumRun
                ? Self.packPairs(source, count: count, to: out, tokens: false)
                : Self.packPairs(source, count: count, to: out, tokens: true)
            guard let end else {
                // Not packable: the text as it is, after `length << 1`.
                next = start
                varint(UInt64(count) << 1)
                next.copyMemory(from: source, byteCount: count)
                next += count
                return
            }
            out = end
        }
        let encoded = (start + 1).distance(to: out)
        if encoded < 64 {
            start.storeBytes(of: UInt8(truncatingIfNeeded: encoded << 1 | 1), as: UInt8.self)
            next = out
        } else {
            // A longer prefix: move the encoded bytes up to make room for it.
            var prefix = UInt64(encoded) << 1 | 1
            var prefixBytes = 1
            while prefix >= 0x80 {
                prefix >>= 7
                prefixBytes &+= 1
            }
            (start + prefixBytes).copyMemory(from: start + 1, byteCount: encoded)
            next = start
            varint(UInt64(encoded) << 1 | 1)
            next += encoded
        }
    }

    /// `packedText`'s greedy packing of `count` bytes at `source` to `out` (tokens only when
    /// `tokens`, which the caller passes as a constant); where the packed bytes end, or nil when
    /// the text has a byte ≥ 0x80.
    @inline(__always)
    private static func packPairs(
        _ source: UnsafeRawPointer, count: Int, to start: UnsafeMutableRawPointer, tokens: Bool
    )
        -> UnsafeMutableRawPointer?
    {
        var out = start
        var index = 0
        while index < count {
            // Eight digits at once (identifiers are mostly digit runs): the same pairs the byte
            // loop would make, as the greedy pairing only depends on where it starts.
            if index &+ 8 <= count {
                // A UUID here (its first dash 8 bytes on; not after a hex digit, so a digit
                // run taken eight at a time never hides one): one byte compared in most texts.
                if tokens, index &+ UUIDText.length <= count,
                    source.load(fromByteOffset: index &+ 8, as: UInt8.self) == 0x2D,
                    index == 0 || !HexToken.isHex(source.load(fromByteOffset: index &- 1, as: UInt8.self)),
                    let written = HexToken.writeUUID(source + index, to: out)
                {
                    out += written
                    index &+= UUIDText.length
                    continue
                }
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if DigitLanes.all(word) {
                    let pairs = ByteWriter.digitPairs(word, first: 10) &+ 0x0080_0080_0080_0080
                    out.storeBytes(of: ByteWriter.lowBytesOfLanes(pairs), as: UInt32.self)
                    index &+= 8
                    out += 4
                    continue
                }
            } else if count >= 8 {
                // Fewer than eight bytes left: when they are all digits (an identifier's
                // tail), their pairs and odd last digit from one overlapping load. The 4-byte
                // store may run past the pairs into the reserved slack; later bytes overwrite it.
                let left = count &- index
                let word =
                    source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) >> UInt64(64 &- 8 &* left)
                if DigitLanes.all(word, lanes: ~0 >> UInt64(64 &- 8 &* left)) {
                    let pairs = ByteWriter.digitPairs(word, first: 10) &+ 0x0080_0080_0080_0080
                    out.storeBytes(of: ByteWriter.lowBytesOfLanes(pairs), as: UInt32.self)
                    out += left >> 1
                    if left & 1 == 1 {
                        out.storeBytes(
                            of: UInt8(truncatingIfNeeded: word >> UInt64(8 &* (left &- 1))), as: UInt8.self)
                        out += 1
                    }
                    break
                }
            }
            let byte = source.load(fromByteOffset: index, as: UInt8.self)
            // Not packable: the caller stores the text as it is.
            if byte >= 0x80 { return nil }
            let digit = byte &- 48
            if digit < 10, index &+ 1 < count {
                let second = source.load(fromByteOffset: index &+ 1, as: UInt8.self) &- 48
                if second < 10 {
                    out.storeBytes(of: 0x80 &+ digit &* 10 &+ second, as: UInt8.self)
                    index &+= 2
                    out += 1
                    continue
                }
            }
            // A run of 16 hex digits from here: its first and last byte are hex (a cheap
            // filter before the call, which `CDR-2026-…` mostly meets at its `C`).
            if tokens, index &+ HexToken.minimumRun <= count, HexToken.isHex(byte),
                HexToken.isHex(source.load(fromByteOffset: index &+ HexToken.minimumRun &- 1, as: UInt8.self))
            {
                let run = HexToken.writeRun(source, from: index, count: count, to: out)
                if run.text > 0 {
                    out += run.written
                    index &+= run.text
                    continue
                }
            }
            out.storeBytes(of: byte, as: UInt8.self)
            index &+= 1
            out += 1
        }
        return out
    }

    /// ASCII digits packed two to a byte (a lone last digit in the low nibble, 0xF above it),
    /// after their count: half the bytes of text, still canonical.
    @inline(__always)
    mutating func digits(_ field: UnsafeRawBufferPointer) {
        let count = field.count
        varint(UInt64(count))
        guard let source = field.baseAddress else { return }
        var index = 0
        while index &+ 8 <= count {
            let pairs = ByteWriter.digitPairs(source.loadUnaligned(fromByteOffset: index, as: UInt64.self), first: 16)
            next.storeBytes(of: ByteWriter.lowBytesOfLanes(pairs), as: UInt32.self)
            next += 4
            index &+= 8
        }
        while index &+ 1 < count {
            let first = source.load(fromByteOffset: index, as: UInt8.self) &- 48
            let second = source.load(fromByteOffset: index &+ 1, as: UInt8.self) &- 48
            next.storeBytes(of: first << 4 | second, as: UInt8.self)
            next += 1
            index &+= 2
        }
        if index < count {
            next.storeBytes(of: 0xF0 | (source.load(fromByteOffset: index, as: UInt8.self) &- 48), as: UInt8.self)
            next += 1
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

    /// Skips a `packedText` field; returns its encoded bytes (prefix excluded) and their form.
    @inline(__always)
    mutating func packedText() -> PackedField {
        let prefix = varint()
        if prefix == 0 {
            defer { offset += 16 }
            return PackedField(bytes: UnsafeRawBufferPointer(start: base + offset, count: 16), form: .uuid)
        }
        let count = Int(prefix >> 1)
        defer { offset += count }
        return PackedField(
            bytes: UnsafeRawBufferPointer(start: base + offset, count: count),
            form: prefix & 1 == 1 ? .digitPairs : .asIs)
    }

    /// A `packedText` field as read: its encoded bytes and how they encode the text.
    struct PackedField {
        enum Form { case asIs, digitPairs, uuid }
        var bytes: UnsafeRawBufferPointer
        var form: Form

        /// Bytes the text takes at most: two a byte, but a UUID token's 17 bytes are 36.
        var textBound: Int {
            switch form {
            case .uuid: UUIDText.length
            case .digitPairs: 2 * bytes.count + 2 * (bytes.count / HexToken.uuidBytes)
            case .asIs: bytes.count
            }
        }
    }

    /// The text a `packedText` field holds.
    /// The text of a `packedText` field as a string, unpacked straight into it (no array first:
    /// a string of up to 15 bytes is stored inline, so most identifiers allocate nothing).
    static func unpackedString(_ field: PackedField) -> String {
        guard field.form != .asIs else { return String(decoding: field.bytes, as: UTF8.self) }
        // Packed text is ASCII (a byte ≥ 0x80 is stored unpacked), so it is valid UTF-8 as written.
        return String(unsafeUninitializedCapacity: field.textBound) { unpack(field, into: $0.baseAddress!) }
    }

    /// Writes the text of a `packedText` field at `out`, which has room for `field.textBound`
    /// bytes; returns the text's length.
    static func unpack(_ field: PackedField, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if field.form == .uuid {
            UUIDText.write(UUIDText.load(from: field.bytes.baseAddress!), to: UnsafeMutableRawPointer(out))
            return UUIDText.length
        }
        guard field.form == .digitPairs else {
            if let source = field.bytes.baseAddress {
                out.initialize(from: source.assumingMemoryBound(to: UInt8.self), count: field.bytes.count)
            }
            return field.bytes.count
        }
        var count = 0
        var index = 0
        let bytes = field.bytes
        while index < bytes.count {
            let byte = bytes[index]
            index &+= 1
            if byte >= HexToken.firstToken {
                let token = HexToken.read(byte, from: bytes.baseAddress! + index, to: out + count)
                index &+= token.read
                count &+= token.text
            } else if byte >= 0x80 {
                let pair = byte &- 0x80
                out[count] = 48 &+ pair / 10
                out[count &+ 1] = 48 &+ pair % 10
                count &+= 2
            } else {
                out[count] = byte
                count &+= 1
            }
        }
        return count
    }

    @inline(__always)
    mutating func skipDigits() {
        let count = Int(varint())
        offset += (count + 1) / 2
    }
}
