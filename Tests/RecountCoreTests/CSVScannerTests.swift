import Foundation
import Testing

@testable import RecountCore

/// What the scanner reports for one input, item by item.
private enum Scanned: Equatable, CustomStringConvertible {
    case record(line: Int, fields: [String])
    case blank(line: Int)
    case malformed(line: Int, reason: String, raw: String)

    var description: String {
        switch self {
        case .record(let line, let fields): return "record@\(line) \(fields)"
        case .blank(let line): return "blank@\(line)"
        case .malformed(let line, let reason, let raw): return "malformed@\(line) \(reason) raw=\(raw.debugDescription)"
        }
    }
}

private func scan(_ text: String, capacity: Int = 16) -> (items: [Scanned], lines: Int) {
    let scanner = CSVScanner(capacity: capacity)
    var items: [Scanned] = []
    return Array(text.utf8).withUnsafeBytes { bytes in
        scanner.reset(bytes)
        while true {
            switch scanner.next() {
            case .end: return (items, scanner.linesConsumed)
            case .blank: items.append(.blank(line: scanner.recordLine))
            case .record:
                let count = min(scanner.fieldCount, scanner.capacity)
                items.append(
                    .record(
                        line: scanner.recordLine,
                        fields: (0..<count).map { String(decoding: scanner.field($0), as: UTF8.self) }))
            case .malformed(let reason):
                items.append(
                    .malformed(
                        line: scanner.recordLine, reason: reason,
                        raw: String(decoding: scanner.rawRecord, as: UTF8.self)))
            }
        }
    }
}

/// Every record `CSVScanner` finds in `bytes`, as the reference reader reports it (lines 1-based).
/// Past `capacity` the scanner keeps only a record's field count; `fieldsPast(line)` supplies
/// the rest (the caller takes them from the reference), so records of any width compare whole.
private func referenceItems(
    _ bytes: [UInt8], capacity: Int, fieldsPast: (Int) -> [String] = { _ in [] }
) -> [ReferenceCSV.Item] {
    var items: [ReferenceCSV.Item] = []
    let scanner = CSVScanner(capacity: capacity)
    bytes.withUnsafeBytes { raw in
        scanner.reset(raw)
        while true {
            switch scanner.next() {
            case .end: return
            case .blank: continue
            case .malformed: items.append(.malformed(line: scanner.recordLine + 1))
            case .record:
                let line = scanner.recordLine + 1
                var fields = (0..<min(scanner.fieldCount, capacity)).map {
                    String(decoding: scanner.field($0), as: UTF8.self)
                }
                if scanner.fieldCount > capacity { fields += fieldsPast(line) }
                #expect(fields.count == scanner.fieldCount)
                items.append(.record(line: line, fields: fields))
            }
        }
    }
    return items
}

@Suite struct CSVScannerTests {
    /// The eight-bytes-at-a-time skip: for every byte position and every byte value, the lowest
    /// flagged byte is exactly the first ',', '\n' or '"' (bytes ≥ 0x80 and near-misses included).
    @Test func wordSkipFindsTheFirstSpecialByte() {
        let special: Set<UInt8> = [0x2c, 0x0a, 0x22]
        for position in 0..<8 {
            for value in 0...255 {
                // Ordinary text below the probe, arbitrary bytes (some special) above it.
                var bytes: [UInt8] = Array("abcdefgh".utf8)
                bytes[position] = UInt8(value)
                if position < 7 { bytes[7] = 0x2c }
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let found = CSVScanner.specialBytes(word)
                let expected = bytes.firstIndex(where: special.contains)
                if let expected {
                    #expect(found != 0 && found.trailingZeroBitCount >> 3 == expected, "byte \(value) at \(position)")
                } else {
                    #expect(found == 0, "byte \(value) at \(position)")
                }
            }
        }
    }

    @Test func fieldShapes() {
        let (items, lines) = scan("a,b,c\n\"q,1\",\"say \"\"hi\"\"\",\"\"\n,,\n\"x\ny\",\"p\r\nq\"\r\nlast,\"\"\"\"")
        #expect(
            items == [
                .record(line: 0, fields: ["a", "b", "c"]),
                .record(line: 1, fields: ["q,1", "say \"hi\"", ""]),
                .record(line: 2, fields: ["", "", ""]),
                .record(line: 3, fields: ["x\ny", "p\r\nq"]),
                .record(line: 6, fields: ["last", "\""]),
            ])
        #expect(lines == 6)
    }

    @Test func lineEndsAndBlankLines() {
        let (items, lines) = scan("a\r\n\r\n\nb\r\nc\rd\n\"e\"\r\n")
        #expect(
            items == [
                .record(line: 0, fields: ["a"]), .blank(line: 1), .blank(line: 2), .record(line: 3, fields: ["b"]),
                // A lone CR inside a line is text.
                .record(line: 4, fields: ["c\rd"]), .record(line: 5, fields: ["e"]),
            ])
        #expect(lines == 6)
    }

    @Test func lastLineWithoutNewline() {
        #expect(
            scan("a,b\nc,d").items == [.record(line: 0, fields: ["a", "b"]), .record(line: 1, fields: ["c", "d"])])
        #expect(scan("a,b\nc,\"d\"").items.last == .record(line: 1, fields: ["c", "d"]))
        #expect(scan("a,b\nc,").items.last == .record(line: 1, fields: ["c", ""]))
        #expect(scan("a,b\nc,d\r").items.last == .record(line: 1, fields: ["c", "d"]))
        #expect(scan("").items.isEmpty)
    }

    @Test func strayQuoteInUnquotedField() {
        let (items, lines) = scan("a,b\"c,d\nnext,1\n")
        // The stray quote opens nothing: its own line is the malformed record, the next is read.
        #expect(
            items == [
                .malformed(line: 0, reason: "stray quote inside an unquoted field", raw: "a,b\"c,d"),
                .record(line: 1, fields: ["next", "1"]),
            ])
        #expect(lines == 2)
        let (closed, _) = scan("a,b\"c\",d\nnext,1\n")
        #expect(
            closed == [
                .malformed(line: 0, reason: "stray quote inside an unquoted field", raw: "a,b\"c\",d"),
                .record(line: 1, fields: ["next", "1"]),
            ])
    }

    @Test func textAfterClosingQuote() {
        let (items, _) = scan("\"a\"b,c\nx,y\n\"q\" ,z\r\n1,2\n")
        #expect(
            items == [
                .malformed(line: 0, reason: "unexpected text after a closing quote", raw: "\"a\"b,c"),
                .record(line: 1, fields: ["x", "y"]),
                .malformed(line: 2, reason: "unexpected text after a closing quote", raw: "\"q\" ,z"),
                .record(line: 3, fields: ["1", "2"]),
            ])
    }

    @Test func unterminatedQuote() {
        let (items, lines) = scan("ok,1\n2,\"never closed\n3,4\n")
        #expect(
            items == [
                .record(line: 0, fields: ["ok", "1"]),
                .malformed(line: 1, reason: "unterminated quoted field", raw: "2,\"never closed\n3,4"),
            ])
        #expect(lines == 3)
        #expect(scan("\"").items == [.malformed(line: 0, reason: "unterminated quoted field", raw: "\"")])
        #expect(scan("\"abc\"\"").items == [.malformed(line: 0, reason: "unterminated quoted field", raw: "\"abc\"\"")])
    }

    /// A record's line is the physical line it starts on, after multi-line quoted fields and
    /// after malformed records that span lines.
    @Test func physicalLineAfterMultiLineField() {
        let text = "h\n\"a\nb\nc\",x\nnext,1\n\"p\r\nq\"z\nafter,2\n\n\"m\n\"\"\n\",k\nend,3"
        let (items, lines) = scan(text)
        #expect(
            items == [
                .record(line: 0, fields: ["h"]),
                .record(line: 1, fields: ["a\nb\nc", "x"]),
                .record(line: 4, fields: ["next", "1"]),
                .malformed(line: 5, reason: "unexpected text after a closing quote", raw: "\"p\r\nq\"z"),
                .record(line: 7, fields: ["after", "2"]),
                .blank(line: 8),
                .record(line: 9, fields: ["m\n\"\n", "k"]),
                .record(line: 12, fields: ["end", "3"]),
            ])
        #expect(lines == 12)
    }

    @Test func moreFieldsThanCapacityAreCounted() {
        let scanner = CSVScanner(capacity: 2)
        Array("a,b,c,d\n".utf8).withUnsafeBytes { bytes in
            scanner.reset(bytes)
            #expect(scanner.next() == .record)
            #expect(scanner.fieldCount == 4)
            #expect(String(decoding: scanner.field(1), as: UTF8.self) == "b")
        }
    }

    /// Wrong field counts are rejects with the row's line, through the row reader.
    @Test func wrongFieldCountIsAReject() throws {
        let folder = TempFolder()
        let header = usageColumns.joined(separator: ",")
        let good = "r1,acc,P01,voice,2026-10-05T10:00:00Z,60,0,8613,60,0.20,,note"
        let path = folder.write(
            "u.csv",
            header + "\n" + good + "\n" + good + ",extra\n\"multi\nline\"," + good + "\nshort,row\n" + good + "\n")
        let report = try Validation.run(
            files: [InputFile(kind: .usage, path: path)], options: PipelineOptions(threads: 1, maxRejects: 10))
        #expect(report.rejects.map(\.line) == [3, 4, 6])
        #expect(
            report.rejects.map(\.reason) == [
                "row: expected 12 fields, found 13", "row: expected 12 fields, found 13",
                "row: expected 12 fields, found 2",
            ])
        #expect(report.files[0].rowsRead == 5)
        #expect(report.files[0].rowsRejected == 3)
    }

    /// Many records with every quoting shape, scanned in one piece, against the reference reader.
    @Test func matchesReferenceOnGeneratedInput() {
        for input in CSVCase.allCases {
            let bytes = input.bytes
            var scalars = bytes
            if scalars.starts(with: [0xef, 0xbb, 0xbf]) { scalars.removeFirst(3) }
            let expected = ReferenceCSV.parse(scalars)
            let got = referenceItems(scalars, capacity: 64)
            #expect(got == expected, "\(input)")
        }
    }

    /// Mostly unquoted records (the bitmap path) of every length from empty fields to several
    /// 64-byte blocks, with CRLF, blank lines, a quoted record now and then (the byte loop) and
    /// a chunk tail shorter than a block, at field capacities below and above the field counts.
    @Test(arguments: [1, 2, 3, 4, 5])
    func bitmapPathMatchesReference(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var text = ""
        for _ in 0..<2_000 {
            switch random.next() % 20 {
            case 0: text += random.next() % 2 == 0 ? "\n" : "\r\n"
            case 1: text += "\"q,\"\"x\",\"\n\",y\n"
            default:
                let fields = 1 + Int(random.next() % 14)
                let row = (0..<fields).map { _ -> String in
                    let length = random.next() % 4 == 0 ? Int(random.next() % 150) : Int(random.next() % 12)
                    return String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + random.next() % 26))) })
                }
                text += row.joined(separator: ",")
                if random.next() % 7 == 0 { text += "\r" }
                text += "\n"
            }
        }
        text += "tail,without,newline"
        let bytes = Array(text.utf8)
        let expected = ReferenceCSV.parse(bytes)
        for capacity in [3, 64] {
            let got = referenceItems(bytes, capacity: capacity) { line in
                guard case .record(_, let all)? = expected.first(where: { $0.line == line }) else { return [] }
                return Array(all.dropFirst(capacity))
            }
            // The first difference, not two arrays of thousands of records.
            let first = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(
                first == nil && got.count == expected.count, "seed \(seed), capacity \(capacity), item \(first ?? -1)")
            if let first { #expect(got[first] == expected[first]) }
        }
    }
}
