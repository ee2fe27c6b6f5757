/// Hex inside a packed text (`ByteCursor.packedText`), as tokens led by a byte no digit pair
/// takes (pairs are 0x80–0xE3), so real identifiers — `CDR-` and a UUID, an uppercase UUID, a
/// SHA-1 digest such as CGRateS' `cgrid` — take about half their bytes in the duplicate index,
/// as numbered ones do. Whether a token is written depends only on the text from its position
/// on, so equal texts still pack to equal bytes.
///
/// - `0xFC` + 16 bytes: a canonical lowercase UUID (`UUIDText`, 36 characters) that starts the
///   text or follows a byte that is not a hex digit; `0xFD`: the same shape in uppercase hex.
/// - `0xFE` + n + n bytes: 2n lowercase hex digits (`[0-9a-f]`), two a byte, the first in the high
///   nibble; `0xFF`: uppercase (`[0-9A-F]`). n is 8…255: runs under 16 digits are left to pairs
///   and literals (a token would save nothing), and a run longer than 510 goes on in a next token.
enum HexToken {
    /// The lowest token byte: a packed byte at or above it starts a token.
    static let firstToken: UInt8 = 0xFC
    static let lowerUUID: UInt8 = 0xFC
    static let upperUUID: UInt8 = 0xFD
    static let lowerRun: UInt8 = 0xFE
    static let upperRun: UInt8 = 0xFF

    /// A UUID token's size: the token byte and the UUID's 16.
    static let uuidBytes = 17
    /// The fewest hex digits a run token takes.
    static let minimumRun = 16
    static let maximumPairs = 255

    /// A digit, `a`–`f` or `A`–`F`.
    @inline(__always)
    static func isHex(_ byte: UInt8) -> Bool { byte &- 48 < 10 || (byte | 0x20) &- 97 < 6 }

    /// Writes the UUID token for the 36 bytes at `text` when they are a canonical UUID of one
    /// case (digits only count as lowercase); returns the bytes written, nil for any other text.
    @inline(never)
    static func writeUUID(_ text: UnsafeRawPointer, to out: UnsafeMutableRawPointer) -> Int? {
        guard let (uuid, letters) = UUIDText.parse(text) else { return nil }
        return write(uuid, letters: letters, to: out)
    }

    /// Writes the token of a parsed UUID (17 bytes); returns its size.
    @inline(__always)
    static func write(_ uuid: (UInt64, UInt64), letters: UUIDText.Letters, to out: UnsafeMutableRawPointer) -> Int {
        out.storeBytes(of: letters == .lower ? lowerUUID : upperUUID, as: UInt8.self)
        UUIDText.store(uuid, to: out + 1)
        return uuidBytes
    }

    /// Writes the run token for the hex digits of one case from `index` (the longer of the two
    /// cases' runs, taken to an even length) when at least 16 follow; returns the text bytes it
    /// packs and the bytes written, zero for both when the run is shorter. (Runs of 16 cannot
    /// tie: both would be digits only, and the packer pairs digits before it asks for a run.)
    @inline(never)
    static func writeRun(_ source: UnsafeRawPointer, from index: Int, count: Int, to out: UnsafeMutableRawPointer)
        -> (text: Int, written: Int)
    {
        let limit = min(count, index &+ 2 &* maximumPairs)
        var lower = index
        while lower < limit, isLowerHex(source.load(fromByteOffset: lower, as: UInt8.self)) { lower &+= 1 }
        var upper = index
        while upper < limit, isUpperHex(source.load(fromByteOffset: upper, as: UInt8.self)) { upper &+= 1 }
        let isUpper = upper > lower
        let length = (isUpper ? upper : lower) &- index
        guard length >= minimumRun else { return (0, 0) }
        let pairs = length / 2
        out.storeBytes(of: isUpper ? upperRun : lowerRun, as: UInt8.self)
        out.storeBytes(of: UInt8(pairs), toByteOffset: 1, as: UInt8.self)
        for pair in 0..<pairs {
            let first = source.load(fromByteOffset: index &+ 2 &* pair, as: UInt8.self)
            let second = source.load(fromByteOffset: index &+ 2 &* pair &+ 1, as: UInt8.self)
            out.storeBytes(of: nibble(first) << 4 | nibble(second), toByteOffset: 2 &+ pair, as: UInt8.self)
        }
        return (2 &* pairs, 2 &+ pairs)
    }

    /// Unpacks the token led by `token`, whose payload starts at `payload`, to `out`; returns the
    /// payload bytes read and the text bytes written (at most 36 for 17 bytes read).
    static func read(_ token: UInt8, from payload: UnsafeRawPointer, to out: UnsafeMutablePointer<UInt8>)
        -> (read: Int, text: Int)
    {
        if token <= upperUUID {
            UUIDText.write(
                UUIDText.load(from: payload), to: UnsafeMutableRawPointer(out),
                letters: token == lowerUUID ? .lower : .upper)
            return (uuidBytes - 1, UUIDText.length)
        }
        let pairs = Int(payload.load(as: UInt8.self))
        let table = token == lowerRun ? UUIDText.hexPairs : UUIDText.upperHexPairs
        for pair in 0..<pairs {
            let byte = Int(payload.load(fromByteOffset: 1 &+ pair, as: UInt8.self))
            UnsafeMutableRawPointer(out).storeBytes(of: table[byte], toByteOffset: 2 &* pair, as: UInt16.self)
        }
        return (1 &+ pairs, 2 &* pairs)
    }

    @inline(__always)
    private static func isLowerHex(_ byte: UInt8) -> Bool { byte &- 48 < 10 || byte &- 97 < 6 }

    @inline(__always)
    private static func isUpperHex(_ byte: UInt8) -> Bool { byte &- 48 < 10 || byte &- 65 < 6 }

    /// The value of a hex digit of either case.
    @inline(__always)
    private static func nibble(_ byte: UInt8) -> UInt8 { byte &- 48 < 10 ? byte &- 48 : (byte | 0x20) &- 87 }
}
