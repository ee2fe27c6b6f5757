/// Appends fixed-width and LEB128 varint fields to a byte array; `ByteReader` reads them back.
/// Used for the compact per-record entries of the duplicate index.
struct ByteWriter {
    var bytes: [UInt8] = []

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Zigzag so small negative numbers stay short.
    @inline(__always)
    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    mutating func text(_ field: UnsafeRawBufferPointer) {
        varint(UInt64(field.count))
        bytes.append(contentsOf: field)
    }

    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
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
    mutating func fixed64() -> UInt64 {
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
