/// A finding's record_id or account as its `FindingBuffer` holds it: up to 15 UTF-8 bytes inside
/// the value, a longer text as the address of bytes the buffer owns.
///
/// A plain value with no reference count. A `String` keeps 15 bytes inline too, but puts a
/// longer text in a heap object of its own: with real-looking record_ids (a switch name and a
/// date before the number, a UUID) that was a malloc per finding, ~70 bytes each, and an atomic
/// retain and release each time the end of the run read one (9.6M findings with 28-byte ids:
/// +~0.9 GB and ~10 % of the CPU). Valid only while its buffer lives: it is read in place
/// through the buffer's findings, and `string` makes an independent copy for anything that
/// outlives them.
struct FindingText {
    /// Inline: the bytes from `low`'s first byte on, the count in `high`'s top byte (0…15).
    /// Outside: the address in `low`, the count in `high`'s low 56 bits, `high`'s top bit set.
    private var low: UInt64
    private var high: UInt64

    static let inlineCapacity = 15
    private static let outsideFlag: UInt64 = 1 << 63
    private static let outsideCountMask: UInt64 = (1 << 56) - 1

    /// The bytes, held inline (at most `inlineCapacity`).
    @inline(__always)
    init(inline bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        precondition(count <= Self.inlineCapacity, "an inline finding text holds at most 15 bytes")
        var low: UInt64 = 0
        var high: UInt64 = 0
        if count >= 8 {
            // Two loads: the first eight bytes, and the eight ending at the last byte shifted
            // down to the bytes past the first eight.
            low = bytes.loadUnaligned(as: UInt64.self)
            if count > 8 {
                high = bytes.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) >> UInt64(8 &* (16 &- count))
            }
        } else {
            for index in 0..<count { low |= UInt64(bytes[index]) << UInt64(8 &* index) }
        }
        self.low = low
        self.high = high | UInt64(count) << 56
    }

    /// `count` bytes at `start`, which the caller keeps alive as long as this value is read.
    init(outside start: UnsafeRawPointer, count: Int) {
        low = UInt64(UInt(bitPattern: start))
        high = UInt64(count) | Self.outsideFlag
    }

    var isInline: Bool { high & Self.outsideFlag == 0 }

    var count: Int { isInline ? Int(high >> 56) : Int(high & Self.outsideCountMask) }

    /// Where the bytes are when they are outside the value (to ask for them ahead of a read).
    var outside: UnsafeRawBufferPointer? {
        isInline ? nil : UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: UInt(low)), count: count)
    }

    /// The text's bytes (inline ones from a copy of the value on the stack).
    @inline(__always)
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if let outside { return try body(outside) }
        let count = self.count
        return try withUnsafeBytes(of: self) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// An independent `String` of the text (exact: a buffer holds valid UTF-8 only).
    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
