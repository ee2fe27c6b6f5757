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
            let field = reader.packedText()
            let text = [UInt8](unsafeUninitializedCapacity: field.textBound) {
                $1 = ByteReader.unpack(field, into: $0.baseAddress!)
            }
            return (text, reader.offset)
        }
    }

    @Test(arguments: [
        "", "0", "7", "00", "U0000000000", "A0000000", "12345", "a1b2c3", "R-2026-11-29-000042", "99x",
        String(repeating: "9", count: 200), String(repeating: "ab", count: 100), "é1234", "1234é",
        "d271200d-fa32-4b18-a330-b89213b5d815", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "D271200D-FA32-4B18-A330-B89213B5D815",
        "d271200d-fa32-4b18-a330-b89213b5d81g", "d271200dfa32-4b18-a330-b89213b5d815-",
        "d271200d-fa32-4b18-a330-b89213b5d81", "d271200d-fa32-4b18-a330-b89213b5d8155",
    ])
    func roundTrips(text: String) {
        let bytes = Self.encode(Array(text.utf8))
        let decoded = Self.decode(bytes)
        #expect(decoded.text == Array(text.utf8))
        #expect(decoded.length == bytes.count)
        // As a string (a duplicate's finding reads its record_id and account so).
        let string = bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw.baseAddress!)
            return ByteReader.unpackedString(reader.packedText())
        }
        #expect(Array(string.utf8) == Array(text.utf8))
    }

    /// A canonical lowercase UUID takes 17 bytes (a 0, then its 16); anything else — uppercase,
    /// a dash moved, one character off, one short or long — is packed as other text. Distinct
    /// texts never share an encoding, so keys compared as bytes stay exact.
    @Test func uuidsTakeSeventeenBytesAndStayCanonical() {
        let uuid = "d271200d-fa32-4b18-a330-b89213b5d815"
        let encoded = Self.encode(Array(uuid.utf8))
        #expect(encoded.count == 17 && encoded[0] == 0)
        #expect(
            encoded[1...] == [
                0xD2, 0x71, 0x20, 0x0D, 0xFA, 0x32, 0x4B, 0x18, 0xA3, 0x30, 0xB8, 0x92, 0x13, 0xB5, 0xD8, 0x15,
            ])
        var texts: Set<[UInt8]> = [Array(uuid.utf8), Array(uuid.uppercased().utf8), []]
        var random = SeededRandom(seed: 11)
        let alphabet = Array("0123456789abcdefABCDEFg-".utf8)
        for _ in 0..<3_000 {
            var text = Array(uuid.utf8)
            // One to three changes: a character swapped for another of the alphabet, or one dropped or added.
            for _ in 0..<(1 + random.next() % 3) {
                let position = Int(random.next() % UInt64(text.count))
                switch random.next() % 4 {
                case 0: text.remove(at: position)
                case 1: text.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                default: text[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                }
            }
            texts.insert(text)
        }
        var seen: [[UInt8]: [UInt8]] = [:]
        for text in texts {
            let encoded = Self.encode(text)
            #expect(Self.decode(encoded).text == text)
            #expect(Self.decode(encoded).length == encoded.count)
            let isCanonical =
                text.count == 36
                && String(decoding: text, as: UTF8.self).wholeMatch(
                    of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil
            #expect((encoded.first == 0) == isCanonical, "\(String(decoding: text, as: UTF8.self))")
            if let other = seen[encoded] { #expect(other == text) }
            seen[encoded] = text
        }
    }

    /// Destinations: a digit count, then two digits a byte (a lone last one under 0xF), for every
    /// length across the eight-at-a-time path, against a byte-by-byte reference.
    @Test func packedDestinationDigits() {
        var random = SeededRandom(seed: 42)
        for length in 0...40 {
            let text = (0..<length).map { _ in UInt8(48 + random.next() % 10) }
            var writer = ByteWriter(capacity: 16)
            text.withUnsafeBytes { writer.digits($0) }
            var expected: [UInt8] = [UInt8(length)]
            var index = 0
            while index + 1 < length {
                expected.append((text[index] - 48) << 4 | (text[index + 1] - 48))
                index += 2
            }
            if index < length { expected.append(0xF0 | (text[index] - 48)) }
            #expect(Array(writer.written) == expected, "length \(length)")
        }
    }

    /// Long digit runs at every alignment take the eight-at-a-time path and still round-trip.
    @Test func digitRunsAtEveryAlignment() {
        for prefix in 0..<9 {
            for digits in 0..<25 {
                let text =
                    Array(String(repeating: "k", count: prefix).utf8) + (0..<digits).map { UInt8(48 + ($0 * 7) % 10) }
                    + [UInt8(ascii: "z")]
                let bytes = Self.encode(text)
                #expect(Self.decode(bytes).text == text)
                // Letters literal, digits paired: the size is exact.
                #expect(bytes.count == 1 + prefix + digits / 2 + digits % 2 + 1)
            }
        }
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

    /// The greedy pairing written out byte by byte: the reference every fast path must equal.
    static func referenceEncoding(_ text: [UInt8]) -> [UInt8] {
        if text.contains(where: { $0 >= 0x80 }) {
            var writer = ByteWriter(capacity: 16)
            writer.varint(UInt64(text.count) << 1)
            return Array(writer.written) + text
        }
        var encoded: [UInt8] = []
        var index = 0
        while index < text.count {
            let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
            if isDigit(text[index]), index + 1 < text.count, isDigit(text[index + 1]) {
                encoded.append(0x80 + (text[index] - 48) * 10 + (text[index + 1] - 48))
                index += 2
            } else {
                encoded.append(text[index])
                index += 1
            }
        }
        var writer = ByteWriter(capacity: 16)
        writer.varint(UInt64(encoded.count) << 1 | 1)
        return Array(writer.written) + encoded
    }

    /// Random texts of 0–40 bytes — digit runs of every length and offset, letters, now and then
    /// a byte ≥ 0x80 — including the short all-digit tails the one-load path packs, written
    /// back to back into one writer (so slack bytes a fast path leaves must be overwritten).
    @Test func packedTextEqualsTheGreedyReference() {
        var random = SeededRandom(seed: 7)
        var writer = ByteWriter(capacity: 16)
        var expected: [UInt8] = []
        for _ in 0..<5_000 {
            let length = Int(random.next() % 41)
            let digitShare = random.next() % 4
            let text = (0..<length).map { _ -> UInt8 in
                if random.next() % 200 == 0 { return 0xC3 }
                return random.next() % 4 < digitShare ? UInt8(48 + random.next() % 10) : UInt8(97 + random.next() % 26)
            }
            text.withUnsafeBytes { writer.packedText($0) }
            expected += Self.referenceEncoding(text)
        }
        #expect(Array(writer.written) == expected)
    }

    /// `TextField.isDigits` (eight bytes at a time) against a byte test, for every length to 20
    /// with every byte value at every position.
    @Test func isDigitsMatchesByteTest() {
        for length in 0...20 {
            let digits = (0..<length).map { UInt8(48 + $0 % 10) }
            digits.withUnsafeBytes { #expect(TextField.isDigits($0)) }
            for position in 0..<length {
                for byte in UInt8(0)...UInt8(255) {
                    var text = digits
                    text[position] = byte
                    let expected = byte >= 48 && byte <= 57
                    text.withUnsafeBytes { #expect(TextField.isDigits($0) == expected) }
                }
            }
        }
    }
}

/// The word-at-a-time quoting test against the byte loop it replaced: every length to 40, each
/// special byte at every position, and bytes one off the specials (`+`, `!`, `#`, VT, SO, DEL).
@Suite struct CSVQuotingTests {
    static func byteLoop(_ bytes: [UInt8]) -> Bool { bytes.contains { [0x2c, 0x22, 0x0a, 0x0d].contains($0) } }

    @Test func needsQuotesMatchesTheByteLoop() {
        let plain: [UInt8] = [0x61, 0x2b, 0x21, 0x23, 0x0b, 0x0e, 0x2d, 0x7f, 0xe4, 0x30]
        for count in 0...40 {
            let base = (0..<count).map { plain[$0 % plain.count] }
            var cases = [base]
            for special: UInt8 in [0x2c, 0x22, 0x0a, 0x0d] {
                for position in 0..<count {
                    var bytes = base
                    bytes[position] = special
                    cases.append(bytes)
                }
            }
            for bytes in cases {
                let fast = bytes.withUnsafeBytes {
                    ByteCursor.needsQuotes($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count)
                }
                #expect(fast == Self.byteLoop(bytes), "\(bytes)")
            }
        }
    }
}

extension CSVQuotingTests {
    /// `ByteCursor.copy`'s overlapping loads and stores against the bytes themselves: every
    /// length to 40, at every offset of a word in source and destination, nothing written past
    /// the copy (guard bytes) and the cursor moved by exactly the length.
    @Test func smallCopiesWriteExactlyTheirBytes() {
        for count in 0...40 {
            let source = (0..<(count + 8)).map { UInt8(truncatingIfNeeded: 0x41 &+ $0 &* 7) }
            for sourceOffset in 0..<8 where sourceOffset + count <= source.count {
                for destinationOffset in 0..<8 {
                    var out = [UInt8](repeating: 0xEE, count: count + 24)
                    out.withUnsafeMutableBytes { raw in
                        source.withUnsafeBytes { from in
                            var cursor = ByteCursor(raw.baseAddress! + destinationOffset)
                            cursor.copy(from.baseAddress! + sourceOffset, count: count)
                            #expect(raw.baseAddress!.distance(to: cursor.next) == destinationOffset + count)
                        }
                    }
                    let expected =
                        [UInt8](repeating: 0xEE, count: destinationOffset)
                        + source[sourceOffset..<(sourceOffset + count)]
                        + [UInt8](repeating: 0xEE, count: 24 - destinationOffset)
                    #expect(out == expected, "count \(count), offsets \(sourceOffset) \(destinationOffset)")
                }
            }
        }
    }
}
