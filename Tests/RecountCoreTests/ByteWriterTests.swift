import Testing

@testable import RecountCore

/// The duplicate index's entry encoding: packed text must round-trip and stay canonical (equal
/// texts ⇔ equal bytes), or duplicates would be missed or invented.
@Suite struct ByteWriterTests {
    static func encode(_ text: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        text.withUnsafeBytes { writer.packedText($0) }
        return Array(writer.written)
    }

    static func decode(_ bytes: [UInt8]) -> (text: [UInt8], length: Int) {
        bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw.baseAddress!)
            let text = ByteReader.unpack(reader.packedText())
            return (text, reader.offset)
        }
    }

    @Test(arguments: [
        "", "0", "7", "00", "U0000000000", "A0000000", "12345", "a1b2c3", "R-2026-11-29-000042", "99x",
        String(repeating: "9", count: 200), String(repeating: "ab", count: 100), "é1234", "1234é",
    ])
    func roundTrips(text: String) {
        let bytes = Self.encode(Array(text.utf8))
        let decoded = Self.decode(bytes)
        #expect(decoded.text == Array(text.utf8))
        #expect(decoded.length == bytes.count)
    }

    @Test func digitPairsTakeOneByte() {
        // 1 prefix byte + 'U' + five digit pairs.
        #expect(Self.encode(Array("U0000001234".utf8)).count == 7)
        // An odd digit run leaves its last digit literal: prefix + 'A' + three pairs + '0'.
        #expect(Self.encode(Array("A0000000".utf8)).count == 6)
    }

    /// Every text over a small alphabet up to length 4 (digits, a letter, a byte ≥ 0x80): distinct
    /// texts never share an encoding, and each decodes back to itself.
    @Test func canonicalOverAllShortTexts() {
        let alphabet: [UInt8] = [0x30, 0x31, 0x39, 0x41, 0xC3]
        var texts: [[UInt8]] = [[]]
        var frontier: [[UInt8]] = [[]]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + [$0] } }
            texts += frontier
        }
        var seen: [[UInt8]: [UInt8]] = [:]
        for text in texts {
            let bytes = Self.encode(text)
            #expect(seen[bytes] == nil, "\(text) and \(seen[bytes] ?? []) share an encoding")
            seen[bytes] = text
            #expect(Self.decode(bytes).text == text)
        }
        #expect(seen.count == texts.count)
    }
}
