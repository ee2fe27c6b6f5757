import Foundation
import Testing

@testable import RecountCore

/// Inputs whose records the chunker + scanner must find exactly as `ReferenceCSV` does,
/// whatever the chunk size.
enum CSVCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case generated, bom, noFinalNewline, noFinalNewlineQuoted, headerOnly, headerOnlyNoNewline, headerOnlyCRLF,
        blankLines, longLine, malformed, multiLineHeader, crlfEverywhere, unicode

    var testDescription: String { rawValue }

    var bytes: [UInt8] {
        let header = usageColumns.joined(separator: ",")
        switch self {
        case .generated:
            var random = SeededRandom(seed: 42)
            var text = header + "\n"
            for index in 0..<300 {
                text += csvLine(usageRow(index, using: &random), using: &random)
                text += random.next() % 4 == 0 ? "\r\n" : "\n"
                if random.next() % 10 == 0 { text += random.next() % 2 == 0 ? "\n" : "\r\n" }
            }
            return Array(text.utf8)
        case .bom:
            return [0xef, 0xbb, 0xbf] + Array((header + "\nr1,a,P,sms,x,1,2,3,4,5,,\"q,\"\"\"\nr2,b\n").utf8)
        case .noFinalNewline:
            return Array("a,b,c\n1,2,3\n4,5,6".utf8)
        case .noFinalNewlineQuoted:
            return Array("a,b,c\n1,2,3\n4,5,\"6\n7\"".utf8)
        case .headerOnly:
            return Array((header + "\n").utf8)
        case .headerOnlyNoNewline:
            return Array(header.utf8)
        case .headerOnlyCRLF:
            return Array((header + "\r\n").utf8)
        case .blankLines:
            return Array("a,b\n\n\r\n1,2\n\n3,4\r\n\r\n\n5,\"\n\n\"\n\n\n".utf8)
        case .longLine:
            let long = String(repeating: "0123456789", count: 30_000)
            return Array("a,b,c\n1,\(long),3\n4,\"\(long)\n\(long)\",6\r\n7,8,9\n".utf8)
        case .malformed:
            return Array(
                ("a,b,c\n1,2,3\n4,x\"y,6\n7,\"q\"z,9\n10,\"multi\nline\",12\n13,ab\"c\nd\"e,15\n16,17,18\n"
                    + "19,\"ok\"\r\n20,\"never closed,21\n22,23\n").utf8)
        case .multiLineHeader:
            return Array("a,\"b\nc\",d\r\n1,2,3\n4,\"5\r\n\",6\n".utf8)
        case .crlfEverywhere:
            return Array("a,b,c\r\n1,\"x\r\ny\",3\r\n\r\n4,,\r\n,,\r\n\"\",\"\",\"\"\r\n".utf8)
        case .unicode:
            return Array("名前,値\r\n\"東京,大阪\",円\n€,\"\"\"引用\"\"\"\n".utf8)
        }
    }
}

@Suite struct LineChunkerTests {
    @Test(arguments: CSVCase.allCases, chunkSizes)
    func plainMatchesReference(_ input: CSVCase, chunkSize: Int) throws {
        let folder = TempFolder()
        try check(folder.write("in.csv", input.bytes), input.bytes, chunkSize: chunkSize)
    }

    @Test(arguments: CSVCase.allCases, [1, 7, 64, 4096, 1 << 20])
    func gzipMatchesReference(_ input: CSVCase, chunkSize: Int) throws {
        let folder = TempFolder()
        let bytes = input.bytes
        // Three members, cut at arbitrary byte positions (inside records, inside a CRLF or UTF-8 sequence).
        let cuts = [0, bytes.count / 3 + 1, 2 * bytes.count / 3 + 1, bytes.count].map { min($0, bytes.count) }
        let members = (0..<3).map { Array(bytes[cuts[$0]..<cuts[$0 + 1]]) }
        try check(folder.writeGzip("in.csv.gz", members: members), bytes, chunkSize: chunkSize)
    }

    private func check(_ path: String, _ bytes: [UInt8], chunkSize: Int) throws {
        let expected = ReferenceCSV.parse(bytes)
        let got = try scanWithChunker(path, chunkSize: chunkSize)
        guard case .record(1, let headerFields) = try #require(expected.first) else {
            Issue.record("the reference sees no header record on line 1")
            return
        }
        #expect(got.header == headerFields)
        let rest = Array(expected.dropFirst())
        #expect(got.items.count == rest.count)
        for (index, pair) in zip(got.items, rest).enumerated() where pair.0 != pair.1 {
            Issue.record("item \(index): got \(pair.0), reference \(pair.1)")
            break
        }
    }

    /// Chunks are whole records: each one but the last ends with a newline outside quotes, and
    /// the chunks put back together are the input after the header.
    @Test(arguments: [1, 2, 5, 64, 300])
    func chunksAreRecordAligned(chunkSize: Int) throws {
        let folder = TempFolder()
        let bytes = CSVCase.generated.bytes
        let path = folder.write("in.csv", bytes)
        let chunker = LineChunker(inflater: try Inflater(source: try ByteSource(path: path)), chunkSize: chunkSize)
        let header = try chunker.readHeader()
        var joined: [UInt8] = []
        var chunks: [[UInt8]] = []
        let buffer = ChunkBuffer(capacity: chunkSize)
        while try chunker.fill(buffer) { chunks.append(Array(buffer.bytes)) }
        for chunk in chunks.dropLast() {
            #expect(chunk.last == 0x0a)
            #expect(chunk.filter { $0 == 0x22 }.count % 2 == 0)
            joined += chunk
        }
        joined += chunks.last ?? []
        let headerEnd = bytes.firstIndex(of: 0x0a)!
        #expect(Array(bytes[0..<headerEnd]) == header.bytes)
        #expect(joined == Array(bytes[(headerEnd + 1)...]))
        #expect(header.lines == 1)
    }

    @Test func emptyFileHasNoHeader() throws {
        let folder = TempFolder()
        let path = folder.write("empty.csv", [])
        let chunker = LineChunker(inflater: try Inflater(source: try ByteSource(path: path)), chunkSize: 64)
        #expect(throws: InputError.emptyFile(file: path)) { try chunker.readHeader() }
        // An empty gzip member is an empty file too.
        let gz = folder.writeGzip("empty.csv.gz", members: [[]])
        let gzChunker = LineChunker(inflater: try Inflater(source: try ByteSource(path: gz)), chunkSize: 64)
        #expect(throws: InputError.emptyFile(file: gz)) { try gzChunker.readHeader() }
    }

    @Test(arguments: [1, 7, 4096])
    func headerDropsBOMAndLineEnd(chunkSize: Int) throws {
        let folder = TempFolder()
        for (bytes, expected, lines) in [
            ([0xef, 0xbb, 0xbf] + Array("a,b\r\n1,2\n".utf8), "a,b", 1),
            (Array("a,b".utf8), "a,b", 1),
            (Array("a,b\r".utf8), "a,b", 1),
            (Array("\"a\nx\",\"b\r\ny\"\r\n1,2\n".utf8), "\"a\nx\",\"b\r\ny\"", 3),
        ] as [([UInt8], String, Int)] {
            let path = folder.write("h.csv", bytes)
            let chunker = LineChunker(inflater: try Inflater(source: try ByteSource(path: path)), chunkSize: chunkSize)
            let header = try chunker.readHeader()
            #expect(header.bytes == Array(expected.utf8))
            #expect(header.lines == lines)
        }
    }

    /// Record ends: newlines outside quoted fields; a quote opens a field only as its first byte.
    @Test func recordEndsOutsideQuotedFields() {
        func ends(_ text: String) -> (Int?, Int?) {
            Array(text.utf8).withUnsafeBytes { (RecordEnds.first($0), RecordEnds.last($0)) }
        }
        #expect(ends("") == (nil, nil))
        #expect(ends("abc") == (nil, nil))
        #expect(ends("a\nb\n") == (1, 3))
        #expect(ends("\"a\nb\"\nc") == (5, 5))
        #expect(ends("\"a\nb\nc") == (nil, nil))
        #expect(ends("x\n\"a\nb") == (1, 1))
        #expect(ends("\"\"\"\n\"\n") == (5, 5))  // """\n" is one quoted field holding a quote and a newline.
        // A stray quote (not a field's first byte) opens nothing: its line still ends the record.
        #expect(ends("a\"b\nc\n") == (3, 5))
        #expect(ends("x,y\"\nz,\"q\nr\"\n") == (4, 12))
        // Quotes after the first newline do not matter to the first end, stray or opening.
        #expect(ends("a\nb\"c\"d\n") == (1, 7))
        #expect(ends("a\n\"x\ny\"\n") == (1, 7))
        #expect(ends("a\"\n\"x\ny\"\n") == (2, 8))
        // Text after a closing quote opens nothing either; a quote after a comma opens a field.
        #expect(ends("a,\"b\"c\"d\ne\n") == (8, 10))
        #expect(ends("a,\"b\nc\"\nd") == (7, 7))
        // A lone CR is text: a quote after it is stray.
        #expect(ends("a\r\"b\nc") == (4, 4))
        // The bytes end on a quote that may be the first of a pair: no end after the field's start.
        #expect(ends("a\n\"b\nc\"") == (1, 1))
    }

    /// A record that never ends (an unclosed quote) stops at the limit instead of eating memory.
    @Test func recordLongerThanLimitIsAnError() throws {
        let folder = TempFolder()
        let path = folder.write(
            "long.csv", Array(("a,b\n1,2\n3,\"" + String(repeating: "x\n", count: 5000)).utf8))
        let chunker = LineChunker(
            inflater: try Inflater(source: try ByteSource(path: path)), chunkSize: 16, maxRecordBytes: 1024)
        _ = try chunker.readHeader()
        let buffer = ChunkBuffer(capacity: 16)
        #expect(throws: InputError.self) {
            while try chunker.fill(buffer) {}
        }
    }
}
