/// Appends fixed-width and LEB128 varint fields to a growable byte buffer; `ByteReader` reads
/// them back. Used for the compact per-record entries of the duplicate index, ~50 bytes a
/// record on the hot path: raw storage with one capacity check per field, where `[UInt8].append`
/// paid a uniqueness and capacity check per byte. Owns its memory (noncopyable, freed in deinit).
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
        guard count + extra > capacity else { return }
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
        count += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            value >>= 7
        }
        base.storeBytes(of: UInt8(value), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Zigzag so small negative numbers stay short.
    @inline(__always)
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    mutating func text(_ field: UnsafeRawBufferPointer) {
        varint(UInt64(field.count))
        reserve(field.count)
        if !field.isEmpty { (base + count).copyMemory(from: field.baseAddress!, byteCount: field.count) }
        count += field.count
    }

    /// ASCII digits packed two to a byte (a lone last digit in the low nibble, 0xF above it),
    /// after their count: half the bytes of text, still canonical.
    @inline(__always)
    mutating func digits(_ field: UnsafeRawBufferPointer) {
        varint(UInt64(field.count))
        reserve((field.count + 1) / 2)
        var index = 0
        while index + 1 < field.count {
            base.storeBytes(of: (field[index] &- 48) << 4 | (field[index + 1] &- 48), toByteOffset: count, as: UInt8.self)
            count += 1
            index += 2
        }
        if index < field.count {
            base.storeBytes(of: 0xF0 | (field[index] &- 48), toByteOffset: count, as: UInt8.self)
            count += 1
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

    @inline(__always)
    mutating func skipDigits() {
        let count = Int(varint())
        offset += (count + 1) / 2
    }
}
