/// The canonical text of a UUID: 36 bytes, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase hex.
/// Each such text is exactly one 128-bit value and back, which lets the duplicate index keep a
/// record_id of this shape in 16 bytes and still compare keys as bytes.
enum UUIDText {
    static let length = 36

    /// The two halves of the UUID whose canonical text is the 36 bytes at `text`; nil for any
    /// other text (uppercase hex, a dash out of place, another character).
    @inline(__always)
    static func parse(_ text: UnsafeRawPointer) -> (UInt64, UInt64)? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for offset in 0..<length {
            let byte = text.load(fromByteOffset: offset, as: UInt8.self)
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            if byte &- 48 < 10 {
                value = byte &- 48
            } else if byte &- 97 < 6 {
                value = byte &- 87
            } else {
                return nil
            }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        return (high, low)
    }

    /// Writes the canonical text of `uuid` at `out` (36 bytes): two hex digits a byte from a table.
    @inline(__always)
    static func write(_ uuid: (UInt64, UInt64), to out: UnsafeMutableRawPointer) {
        var at = 0
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: at, as: UInt8.self)
                at += 1
            }
            let half = index < 8 ? uuid.0 : uuid.1
            let byte = Int((half >> UInt64(56 - 8 * (index % 8))) & 0xFF)
            out.storeBytes(of: hexPairs[byte], toByteOffset: at, as: UInt16.self)
            at += 2
        }
    }

    /// A byte's two lowercase hex digits as they lie in memory (first digit in the low byte).
    private static let hexPairs: [UInt16] = (0..<256).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        return UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0xF]) << 8
    }
}
