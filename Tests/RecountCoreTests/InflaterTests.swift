import Foundation
import Testing

@testable import RecountCore

/// DESIGN.md §2 (gzip by magic bytes, multi-member read whole) and §6 (truncated or corrupt
/// gzip aborts with the file and compressed byte offset).
@Suite struct InflaterTests {
    static func sampleCSV(rows: Int, seed: UInt64 = 1) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var text = usageColumns.joined(separator: ",") + "\n"
        for index in 0..<rows { text += csvLine(usageRow(index, using: &random), using: &random) + "\n" }
        return Array(text.utf8)
    }

    @Test func gzipWriterOutputIsRealGzip() {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 50)
        let path = folder.writeGzip("a.csv.gz", members: [data])
        #expect(TestGzip.systemDecompress(path) == data)
    }

    @Test(arguments: InflateEngine.allCases, [1, 7, 4096, 1 << 20])
    func plainFilePassesThrough(engine: InflateEngine, blockSize: Int) throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 300)
        let path = folder.write("plain.csv", data)
        #expect(try inflateWhole(path, blockSize: blockSize, engine: engine) == data)
        let inflater = try Inflater(source: try ByteSource(path: path), engine: engine)
        #expect(!inflater.isGzip)
    }

    @Test(arguments: InflateEngine.allCases)
    func gzipDetectedByMagicNotName(engine: InflateEngine) throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 20)
        // A gzip file named .csv, and a plain file named .gz.
        let gz = folder.write("looks-plain.csv", TestGzip.compress(data))
        let plain = folder.write("looks-gzip.csv.gz", data)
        #expect(try inflateWhole(gz, engine: engine) == data)
        #expect(try inflateWhole(plain, engine: engine) == data)
        #expect(try Inflater(source: try ByteSource(path: gz), engine: engine).isGzip)
        #expect(try !Inflater(source: try ByteSource(path: plain), engine: engine).isGzip)
    }

    @Test(arguments: InflateEngine.allCases, [1, 3, 4096, 1 << 20])
    func multiMemberGzipReadsWhole(engine: InflateEngine, blockSize: Int) throws {
        let folder = TempFolder()
        let parts = [
            Self.sampleCSV(rows: 40, seed: 1), Array("r-a,b\nr-c,d\n".utf8), Self.sampleCSV(rows: 70, seed: 3),
        ]
        let path = folder.writeGzip("multi.csv.gz", members: parts)
        #expect(try inflateWhole(path, blockSize: blockSize, engine: engine) == parts.flatMap { $0 })
        // An empty member in between is still a member.
        let withEmpty = folder.writeGzip("empty-member.gz", members: [parts[0], [], parts[1]])
        #expect(try inflateWhole(withEmpty, blockSize: blockSize, engine: engine) == parts[0] + parts[1])
    }

    /// Member boundaries that fall exactly at, just before and just after the inflater's input
    /// block edge (stored deflate blocks make the compressed size exact).
    @Test(arguments: InflateEngine.allCases, [-2, -1, 0, 1, 2])
    func memberBoundaryAtInputBlockEdge(engine: InflateEngine, delta: Int) throws {
        let target = Inflater.inputBlockSize + delta
        var length = target
        var member: [UInt8] = []
        for _ in 0..<20 {
            member = TestGzip.compress([UInt8](repeating: UInt8(ascii: "a"), count: length), level: 0)
            if member.count == target { break }
            length += target - member.count
        }
        try #require(member.count == target)
        let second = TestGzip.compress(Array("second member\n".utf8))
        let folder = TempFolder()
        let path = folder.write("edge.gz", member + second)
        let expected = [UInt8](repeating: UInt8(ascii: "a"), count: length) + Array("second member\n".utf8)
        #expect(try inflateWhole(path, blockSize: 1 << 20, engine: engine) == expected)
        #expect(try inflateWhole(path, blockSize: 777, engine: engine) == expected)
        // And garbage at the block edge is still garbage.
        let garbage = folder.write("edge-garbage.gz", member + [0x1f])
        #expect(throws: InputError.trailingGarbage(file: garbage, compressedOffset: target)) {
            try inflateWhole(garbage, engine: engine)
        }
    }

    /// Concatenated members through the whole pipeline: every row, in order.
    @Test(arguments: threadCounts)
    func multiMemberRowsInOrder(threads: Int) throws {
        let folder = TempFolder()
        var random = SeededRandom(seed: 9)
        let header = usageColumns.joined(separator: ",") + "\n"
        var members: [[UInt8]] = [Array(header.utf8)]
        var rows: [[String]] = []
        for member in 0..<3 {
            var text = member == 0 ? header : ""
            for index in 0..<(50 + member * 10) {
                let row = usageRow(rows.count + index, using: &random)
                rows.append(row)
                text += csvLine(row, using: &random) + "\n"
            }
            if member == 0 { members[0] = Array(text.utf8) } else { members.append(Array(text.utf8)) }
        }
        let path = folder.writeGzip("three.csv.gz", members: members)
        let collected = try collectRows([InputFile(kind: .usage, path: path)], threads: threads, chunkSize: 512)
        #expect(collected.rows.map(\.fields) == rows)
        #expect(collected.report.files[0].rowsRead == rows.count)
        #expect(collected.report.files[0].gzip)
    }

    /// A gzip cut at every byte offset: always an error, never fewer rows.
    @Test(arguments: InflateEngine.allCases)
    func truncatedAtEveryOffsetIsAnError(engine: InflateEngine) throws {
        let folder = TempFolder()
        let data = Array("record_id,account\nr1,a\nr2,b\nr3,c\n".utf8) + Self.sampleCSV(rows: 3)
        let whole = TestGzip.compress(data)
        #expect(whole.count > 30)
        let full = folder.write("whole.gz", whole)
        #expect(try inflateWhole(full, engine: engine) == data)
        for cut in 0..<whole.count {
            let path = folder.write("cut-\(cut).gz", Array(whole[0..<cut]))
            switch cut {
            case 0:
                // Zero bytes is a plain empty file: no header.
                #expect(try inflateWhole(path, engine: engine).isEmpty)
                #expect(throws: InputError.emptyFile(file: path)) {
                    try Validation.run(
                        files: [InputFile(kind: .usage, path: path)],
                        options: PipelineOptions(threads: 1, inflater: engine))
                }
            case 1:
                // One byte (0x1f) cannot be gzip's two-byte magic: it is plain text, and not a header.
                #expect(throws: InputError.self) {
                    try Validation.run(
                        files: [InputFile(kind: .usage, path: path)],
                        options: PipelineOptions(threads: 1, inflater: engine))
                }
            default:
                #expect(throws: InputError.truncatedGzip(file: path, compressedOffset: cut), "cut at \(cut)") {
                    try inflateWhole(path, engine: engine)
                }
                #expect(throws: InputError.truncatedGzip(file: path, compressedOffset: cut), "cut at \(cut)") {
                    try Validation.run(
                        files: [InputFile(kind: .usage, path: path)],
                        options: PipelineOptions(threads: 2, chunkSize: 16, inflater: engine))
                }
            }
        }
    }

    /// Cut inside any member of a multi-member file: an error too (a cut exactly at a member
    /// boundary is a shorter valid file and cannot be told apart).
    @Test(arguments: InflateEngine.allCases)
    func truncatedInsideLaterMember(engine: InflateEngine) throws {
        let folder = TempFolder()
        let parts = [Array("a\n1\n".utf8), Array("2\n3\n".utf8), Array("4\n".utf8)]
        let members = parts.map { TestGzip.compress($0) }
        let whole = members.flatMap { $0 }
        var boundaries: Set<Int> = [0]
        var sum = 0
        for member in members {
            sum += member.count
            boundaries.insert(sum)
        }
        for cut in 2..<whole.count where !boundaries.contains(cut) {
            let path = folder.write("cut-\(cut).gz", Array(whole[0..<cut]))
            #expect(throws: InputError.self, "cut at \(cut)") { try inflateWhole(path, engine: engine) }
        }
    }

    /// A flipped byte is an error at or after the flipped byte — or, for the few bits no gzip
    /// reader checks (MTIME/XFL/OS in bytes 4–9, the FTEXT flag, the padding bits after the
    /// final deflate block), a read of exactly the original data. Never different data silently.
    @Test(arguments: InflateEngine.allCases, [0x01, 0x80, 0xff] as [UInt8])
    func flippedByteIsAnError(engine: InflateEngine, mask: UInt8) throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 12)
        let whole = TestGzip.compress(data)
        var errors = 0
        for position in 2..<whole.count {
            var bytes = whole
            bytes[position] ^= mask
            let path = folder.write("flip-\(position).gz", bytes)
            do {
                let out = try inflateWhole(path, engine: engine)
                #expect(out == data, "flip at \(position) (mask \(mask)) read different data without an error")
                let unchecked =
                    (4...9).contains(position) || (position == 3 && mask == 0x01)
                    || position == whole.count - 9
                #expect(unchecked, "flip at \(position) (mask \(mask)) was not detected")
            } catch {
                errors += 1
                switch error {
                case .corruptGzip(let file, let offset, _):
                    #expect(file == path)
                    #expect(offset > position && offset <= bytes.count, "flip at \(position): offset \(offset)")
                case .truncatedGzip(let file, let offset):
                    #expect(file == path)
                    #expect(offset == bytes.count)
                default:
                    Issue.record("flip at \(position): unexpected \(error)")
                }
            }
        }
        #expect(errors >= whole.count - 2 - 8)
    }

    @Test func flippedMagicByteMakesAPlainFileThatFailsItsHeader() throws {
        let folder = TempFolder()
        var bytes = TestGzip.compress(Self.sampleCSV(rows: 3))
        for position in 0..<2 {
            bytes[position] ^= 0xff
            let path = folder.write("magic-\(position).gz", bytes)
            bytes[position] ^= 0xff
            #expect(throws: InputError.self) {
                try Validation.run(files: [InputFile(kind: .usage, path: path)], options: PipelineOptions(threads: 1))
            }
        }
    }

    @Test(
        arguments: InflateEngine.allCases,
        [[0x00], [0x1f], [0x1f, 0x8c], Array("garbage\n".utf8), [0x00, 0x00, 0x00, 0x00]] as [[UInt8]])
    func garbageAfterLastMemberIsAnError(engine: InflateEngine, garbage: [UInt8]) throws {
        let folder = TempFolder()
        let gzip = TestGzip.compress(Self.sampleCSV(rows: 5)) + TestGzip.compress(Array("r,x\n".utf8))
        let path = folder.write("garbage.gz", gzip + garbage)
        #expect(throws: InputError.trailingGarbage(file: path, compressedOffset: gzip.count)) {
            try inflateWhole(path, engine: engine)
        }
        #expect(throws: InputError.trailingGarbage(file: path, compressedOffset: gzip.count)) {
            try Validation.run(
                files: [InputFile(kind: .usage, path: path)],
                options: PipelineOptions(threads: 2, maxRejects: 1000, inflater: engine))
        }
    }

    /// The magic of a next member followed by junk is a corrupt member, not a silent end.
    /// Optional gzip header fields (RFC 1952 §2.3: FEXTRA, FNAME, FCOMMENT, FHCRC) are skipped by
    /// both engines, in every member; a wrong header CRC is an error.
    @Test(arguments: InflateEngine.allCases)
    func optionalHeaderFieldsAreSkipped(engine: InflateEngine) throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 30)
        let plain = TestGzip.compress(data)
        // Header: magic, CM, FLG, MTIME(4), XFL, OS; then the fields FLG announces, in RFC order.
        var header: [UInt8] = [0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 1, 2, 3, 4, 0, 3]
        header += [6, 0, UInt8(ascii: "R"), UInt8(ascii: "C"), 2, 0, 0xab, 0xcd]  // XLEN 6: one subfield
        header += Array("usage-2026-11.csv".utf8) + [0]
        header += Array("nightly export".utf8) + [0]
        let crc = Self.crc32(header)
        let withFields = header + [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff)] + plain[10...]
        let path = folder.write("fields.csv.gz", withFields + plain)
        for blockSize in [1, 5, 1 << 16] {
            #expect(try inflateWhole(path, blockSize: blockSize, engine: engine) == data + data)
        }
        // The header CRC-16 is the low half of the CRC-32 of the header bytes; a wrong one fails.
        let badCRC = header + [UInt8(crc & 0xff) ^ 0x01, UInt8((crc >> 8) & 0xff)] + plain[10...]
        let bad = folder.write("bad-hcrc.csv.gz", badCRC)
        #expect(throws: InputError.self) { try inflateWhole(bad, engine: engine) }
    }

    /// Both engines give the same bytes on a larger file of many deflate blocks, at odd block sizes.
    @Test func enginesAgree() throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 20_000, seed: 5)
        let path = folder.writeGzip("agree.csv.gz", members: [Array(data[0..<700_001]), Array(data[700_001...])])
        let reference = try inflateWhole(path, blockSize: 1 << 16, engine: .zlib)
        #expect(reference == data)
        for blockSize in [4093, 1 << 20] {
            #expect(try inflateWhole(path, blockSize: blockSize, engine: .isal) == reference)
        }
    }

    /// CRC-32 (IEEE, reflected), bit by bit: small and independent of both engines.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test(arguments: InflateEngine.allCases)
    func magicThenJunkIsAnError(engine: InflateEngine) throws {
        let folder = TempFolder()
        let gzip = TestGzip.compress(Self.sampleCSV(rows: 5))
        let path = folder.write(
            "junk.gz", gzip + [0x1f, 0x8b, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09])
        #expect(throws: InputError.self) { try inflateWhole(path, engine: engine) }
    }

    @Test(arguments: [false, true])
    func fileStatsHashAndSizes(gzip: Bool) throws {
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 400)
        let path =
            gzip
            ? folder.writeGzip("h.csv.gz", members: [Array(data[0..<5000]), Array(data[5000...])])
            : folder.write("h.csv", data)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        for chunkSize in [64, 1 << 20] {
            let report = try Validation.run(
                files: [InputFile(kind: .usage, path: path)], options: PipelineOptions(threads: 2, chunkSize: chunkSize)
            )
            let stats = report.files[0]
            #expect(stats.sha256 == TestProcess.sha256sum(path))
            #expect(stats.sha256.count == 64)
            #expect(stats.compressedBytes == size)
            #expect(stats.decompressedBytes == data.count)
            #expect(stats.gzip == gzip)
            #expect(stats.rowsRead == 400)
        }
    }

    @Test func largeFileHashMatches() throws {
        // Larger than the inflater's input block and several chunks.
        let folder = TempFolder()
        let data = Self.sampleCSV(rows: 6000, seed: 77)
        #expect(data.count > Inflater.inputBlockSize)
        let plain = folder.write("big.csv", data)
        let gz = folder.write("big.csv.gz", TestGzip.compress(data, level: 1))
        let report = try Validation.run(
            files: [InputFile(kind: .usage, path: plain), InputFile(kind: .usage, path: gz)],
            options: PipelineOptions(threads: 2, chunkSize: 100_000))
        #expect(report.files[0].sha256 == TestProcess.sha256sum(plain))
        #expect(report.files[1].sha256 == TestProcess.sha256sum(gz))
        #expect(report.files.map(\.rowsRead) == [6000, 6000])
    }

    @Test func missingFileAndFolder() throws {
        let folder = TempFolder()
        #expect(throws: InputError.self) { try ByteSource(path: folder.path + "/nope.csv") }
        #expect(throws: InputError.cannotOpen(file: folder.path, reason: "is a folder")) {
            try ByteSource(path: folder.path)
        }
    }
}
