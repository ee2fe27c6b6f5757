/// The canonical text of a UUID: 36 bytes, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase hex
/// (or, as `.upper`, the same shape in uppercase hex). Each such text is exactly one 128-bit value
/// and back, which lets the duplicate index keep a record_id of this shape in 16 bytes and still
/// compare keys as bytes.
enum UUIDText {
    static let length = 36

    /// Which hex letters a text of this shape has: one case only, so that text and value stay one to one.
    enum Letters { case lower, upper }

    /// The UUID whose canonical text is the 36 bytes at `text`, and the case of its hex letters
    /// (digits only count as lowercase); nil for any other text (mixed case, a dash out of place,
    /// another character). Eight characters at a time: the four groups of hex as four words.
    /// Out of line: a text calls it at most once (a 36-byte text, or a dash where a UUID's first
    /// one goes), so its ~250 instructions need not sit inlined in the key writer twice.
    @inline(never)
    static func parse(_ text: UnsafeRawPointer) -> (value: (UInt64, UInt64), letters: Letters)? {
        guard text.load(fromByteOffset: 8, as: UInt8.self) == 0x2D,
            text.load(fromByteOffset: 13, as: UInt8.self) == 0x2D,
            text.load(fromByteOffset: 18, as: UInt8.self) == 0x2D, text.load(fromByteOffset: 23, as: UInt8.self) == 0x2D
        else { return nil }
        let first = hexLanes(text.loadUnaligned(as: UInt64.self))
        let second = hexLanes(
            UInt64(text.loadUnaligned(fromByteOffset: 9, as: UInt32.self))
                | UInt64(text.loadUnaligned(fromByteOffset: 14, as: UInt32.self)) << 32)
        let third = hexLanes(
            UInt64(text.loadUnaligned(fromByteOffset: 19, as: UInt32.self))
                | UInt64(text.loadUnaligned(fromByteOffset: 24, as: UInt32.self)) << 32)
        let fourth = hexLanes(text.loadUnaligned(fromByteOffset: 28, as: UInt64.self))
        let letters: Letters
        if first.lower && second.lower && third.lower && fourth.lower {
            letters = .lower
        } else if first.upper && second.upper && third.upper && fourth.upper {
            letters = .upper
        } else {
            return nil
        }
        return (
            (UInt64(first.value) << 32 | UInt64(second.value), UInt64(third.value) << 32 | UInt64(fourth.value)),
            letters
        )
    }

    /// Eight ASCII characters (the first in the low byte) as the 32-bit number they spell in hex,
    /// and whether all eight are lowercase hex digits, or uppercase ones. (The number is
    /// meaningful only when one of the two holds.)
    @inline(__always)
    static func hexLanes(_ word: UInt64) -> (value: UInt32, lower: Bool, upper: Bool) {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        guard word & high == 0 else { return (0, false, false) }
        // Below 0x80 adding at most 0x50 cannot carry out of a lane: a lane's high bit then says
        // whether the byte reached the bound.
        @inline(__always) func within(_ low: UInt64, _ top: UInt64) -> UInt64 {
            (word &+ ones &* (0x80 &- low)) & ~(word &+ ones &* (0x7F &- top)) & high
        }
        let digit = within(0x30, 0x39)
        let lowerLetter = within(0x61, 0x66)
        let upperLetter = within(0x41, 0x46)
        // A digit's low nibble is its value; a letter's (1–6) plus 9.
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((lowerLetter | upperLetter) >> 7) &* 9
        let pairs = (nibbles << 4 | nibbles >> 8) & 0x00FF_00FF_00FF_00FF
        return (ByteWriter.lowBytesOfLanes(pairs).byteSwapped, digit | lowerLetter == high, digit | upperLetter == high)
    }

    /// The UUID's 16 bytes, big-endian (the order its text spells them, so the bytes compare as
    /// the texts do), stored at `out` — how the duplicate index keeps one.
    @inline(__always)
    static func store(_ uuid: (UInt64, UInt64), to out: UnsafeMutableRawPointer) {
        out.storeBytes(of: uuid.0.bigEndian, as: UInt64.self)
        (out + 8).storeBytes(of: uuid.1.bigEndian, as: UInt64.self)
    }

    /// The UUID `store` wrote at `bytes`.
    @inline(__always)
    static func load(from bytes: UnsafeRawPointer) -> (UInt64, UInt64) {
        (
            UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        )
    }

    /// Writes the canonical text of `uuid` at `out` (36 bytes): two hex digits a byte from a table.
    @inline(__always)
    static func write(_ uuid: (UInt64, UInt64), to out: UnsafeMutableRawPointer, letters: Letters = .lower) {
        let pairs = letters == .lower ? hexPairs : upperHexPairs
        var at = 0
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: at, as: UInt8.self)
                at += 1
            }
            let half = index < 8 ? uuid.0 : uuid.1
            let byte = Int((half >> UInt64(56 - 8 * (index % 8))) & 0xFF)
            out.storeBytes(of: pairs[byte], toByteOffset: at, as: UInt16.self)
            at += 2
        }
    }

    /// A byte's two lowercase (or uppercase) hex digits as they lie in memory (first digit in the low byte).
    static let hexPairs = pairTable("0123456789abcdef")
    static let upperHexPairs = pairTable("0123456789ABCDEF")

    private static func pairTable(_ digits: String) -> [UInt16] {
        let digits = Array(digits.utf8)
        return (0..<256).map { byte in UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0xF]) << 8 }
    }
}
