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
        "CDR-d271200d-fa32-4b18-a330-b89213b5d815", "CDR-D271200D-FA32-4B18-A330-B89213B5D815",
        "d271200d-fa32-4b18-a330-b89213b5d815d271200d-fa32-4b18-a330-b89213b5d815",
        "x-12345678-1234-1234-1234-123456789abc-y", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "abcdef0123456789", "abcdef012345678", "abcdef0123456789a",
        "aBcdef0123456789abcdef", String(repeating: "0123456789abcdef", count: 40),
        String(repeating: "0123456789ABCDEF", count: 40) + "ff", "d271200d-FA32-4b18-a330-b89213b5d815",
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

    /// Hex identifiers take about half their bytes: a UUID after a prefix or in uppercase as a
    /// 17-byte token, a SHA-1 digest as a 22-byte run (token, pair count, 20 bytes).
    @Test func hexTakesHalfItsBytes() {
        let uuid = "d271200d-fa32-4b18-a330-b89213b5d815"
        let uuidBytes: [UInt8] = [
            0xD2, 0x71, 0x20, 0x0D, 0xFA, 0x32, 0x4B, 0x18, 0xA3, 0x30, 0xB8, 0x92, 0x13, 0xB5, 0xD8, 0x15,
        ]
        // Prefix byte, 'C', 'D', 'R', '-', the token.
        #expect(Self.encode(Array(("CDR-" + uuid).utf8)) == [43, 67, 68, 82, 45, 0xFC] + uuidBytes)
        #expect(Self.encode(Array(uuid.uppercased().utf8)) == [35, 0xFD] + uuidBytes)
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        #expect(
            Self.encode(Array(sha1.utf8)) == [45, 0xFE, 20]
                + [0xDA, 0x39, 0xA3, 0xEE, 0x5E, 0x6B, 0x4B, 0x0D, 0x32, 0x55, 0xBF, 0xEF, 0x95, 0x60, 0x18, 0x90]
                + [0xAF, 0xD8, 0x07, 0x09])
        #expect(Self.encode(Array(sha1.uppercased().utf8))[1] == 0xFF)
        // Exactly 16 hex digits take a token; 15 do not (letters literal, then digit pairs).
        #expect(
            Self.encode(Array("abcdef0123456789".utf8)) == [
                21, 0xFE, 8, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89,
            ])
        #expect(Self.encode(Array("abcdef012345678".utf8)).count == 1 + 6 + 4 + 1)
        // Mixed case: the longer one-case run is taken (here the uppercase one, from `A`).
        #expect(Self.encode(Array("aABCDEF0123456789ABCDEF".utf8))[2] == 0xFF)
        // A UUID right after a hex digit is left to the other forms.
        #expect(!Self.encode(Array(("7" + uuid).utf8)).contains(0xFC))
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

    /// The greedy packing written out byte by byte: the reference every fast path must equal.
    /// At each position: a UUID (at the start or after a byte that is not a hex digit), else a
    /// digit pair, else a run of 16+ hex digits of one case, else the byte itself.
    static func referenceEncoding(_ text: [UInt8]) -> [UInt8] {
        if text.contains(where: { $0 >= 0x80 }) {
            var writer = ByteWriter(capacity: 16)
            writer.varint(UInt64(text.count) << 1)
            return Array(writer.written) + text
        }
        let string = String(decoding: text, as: UTF8.self)
        if string.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil {
            return [0] + hexBytes(text.filter { $0 != UInt8(ascii: "-") })
        }
        let lowerHex = Array("0123456789abcdef".utf8)
        let upperHex = Array("0123456789ABCDEF".utf8)
        let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
        let isHex = { (byte: UInt8) in lowerHex.contains(byte) || upperHex.contains(byte) }
        var encoded: [UInt8] = []
        var index = 0
        while index < text.count {
            if index + 36 <= text.count, index == 0 || !isHex(text[index - 1]) {
                let candidate = String(decoding: text[index..<index + 36], as: UTF8.self)
                let lower =
                    candidate.wholeMatch(
                        of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil
                let upper =
                    candidate.wholeMatch(
                        of: /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/) != nil
                if lower || upper {
                    encoded += [lower ? 0xFC : 0xFD] + hexBytes(text[index..<index + 36].filter { $0 != 45 })
                    index += 36
                    continue
                }
            }
            if isDigit(text[index]), index + 1 < text.count, isDigit(text[index + 1]) {
                encoded.append(0x80 + (text[index] - 48) * 10 + (text[index + 1] - 48))
                index += 2
                continue
            }
            let lowerRun = text[index...].prefix(510).prefix { lowerHex.contains($0) }.count
            let upperRun = text[index...].prefix(510).prefix { upperHex.contains($0) }.count
            let run = max(lowerRun, upperRun)
            if run >= 16 {
                let pairs = run / 2
                encoded +=
                    [upperRun > lowerRun ? 0xFF : 0xFE, UInt8(pairs)]
                    + hexBytes(Array(text[index..<index + 2 * pairs]))
                index += 2 * pairs
                continue
            }
            encoded.append(text[index])
            index += 1
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

    /// `UUIDText.parse` (eight characters at a time) against a pattern match, with every byte
    /// value at every position of a lowercase and an uppercase UUID: the value when the text is
    /// a UUID of one case, nil otherwise, and written back it is the same text.
    @Test func uuidParseMatchesThePattern() {
        for base in ["d271200d-fa32-4b18-a330-b89213b5d815", "D271200D-FA32-4B18-A330-B89213B5D815"] {
            for position in 0..<36 {
                for byte in UInt8(0)...UInt8(255) {
                    var text = Array(base.utf8)
                    text[position] = byte
                    let string = String(decoding: text, as: UTF8.self)
                    let isLower =
                        string.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil
                    let isUpper =
                        string.wholeMatch(of: /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/) != nil
                    let parsed = text.withUnsafeBytes { UUIDText.parse($0.baseAddress!) }
                    guard let parsed else {
                        #expect(!isLower && !isUpper, "\(string)")
                        continue
                    }
                    #expect(parsed.letters == (isLower ? .lower : .upper) && (isLower || isUpper), "\(string)")
                    let digits = text.filter { $0 != UInt8(ascii: "-") }
                    let expected = Self.hexBytes(digits).reduce(into: (UInt64(0), UInt64(0))) { value, byte in
                        value = (value.0 << 8 | value.1 >> 56, value.1 << 8 | UInt64(byte))
                    }
                    #expect(parsed.value == expected, "\(string)")
                    var written = [UInt8](repeating: 0, count: 36)
                    written.withUnsafeMutableBytes {
                        UUIDText.write(parsed.value, to: $0.baseAddress!, letters: parsed.letters)
                    }
                    #expect(written == text)
                }
            }
        }
    }

    /// Hex digits two to a byte, the first in the high nibble.
    static func hexBytes(_ digits: [UInt8]) -> [UInt8] {
        stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    /// Texts full of hex — UUIDs (either case, after prefixes, cut, with a character changed),
    /// runs of hex digits around 16 long, mixed case, dashes, now and then a byte ≥ 0x80 — equal
    /// the reference byte for byte, decode back to themselves, and never share an encoding.
    @Test func hexTextsEqualTheReferenceAndStayCanonical() {
        var random = SeededRandom(seed: 2026)
        let uuid = Array("d271200d-fa32-4b18-a330-b89213b5d815".utf8)
        let alphabet = Array("0123456789abcdefABCDEF-xC".utf8)
        var writer = ByteWriter(capacity: 16)
        var expected: [UInt8] = []
        var seen: [[UInt8]: [UInt8]] = [:]
        for round in 0..<6_000 {
            var text: [UInt8] = []
            while text.count < Int(random.next() % 90) {
                switch random.next() % 6 {
                case 0:
                    text +=
                        random.next() % 2 == 0 ? uuid : Array(String(decoding: uuid, as: UTF8.self).uppercased().utf8)
                case 1: text += (0..<(12 + random.next() % 10)).map { _ in alphabet[Int(random.next() % 10)] }
                case 2: text += (0..<(12 + random.next() % 10)).map { _ in alphabet[Int(random.next() % 16)] }
                default: text.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
                }
            }
            // One change in some: a character swapped, or a byte ≥ 0x80.
            if !text.isEmpty, round % 3 == 0 {
                text[Int(random.next() % UInt64(text.count))] =
                    round % 300 == 0 ? 0xC3 : alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            text.withUnsafeBytes { writer.packedText($0) }
            let reference = Self.referenceEncoding(text)
            expected += reference
            let decoded = Self.decode(reference)
            #expect(
                decoded.text == text && decoded.length == reference.count, "\(String(decoding: text, as: UTF8.self))")
            if let other = seen[reference] { #expect(other == text) }
            seen[reference] = text
        }
        #expect(Array(writer.written) == expected)
        #expect(seen.count > 5_000)
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
