import Foundation
import Testing

@testable import RecountCore

/// The audit keeps 24 bits of chunk number and of record number in a record's input order: a
/// file that would make more chunks, or a chunk that would hold more rows, stops the run with a
/// message naming the file and what to do — not orders that silently overlap.
@Suite struct ChunkLimitTests {
    /// A usage file `name` of `count` good rows in `folder`.
    static func rows(_ count: Int, _ folder: TempFolder, name: String = "u.csv") throws -> [InputFile] {
        var fixture = RejectFixture()
        for index in 0..<count { fixture.add(RejectFixture.row(index)) }
        let path = folder.path + "/" + name
        try fixture.text.write(toFile: path, atomically: true, encoding: .utf8)
        return [InputFile(kind: .usage, path: path)]
    }

    @Test func moreChunksThanTheLimitStopTheRun() throws {
        let folder = TempFolder()
        // 1-byte chunks over 400 rows (~28 KB): several chunks, however the buffers are reused
        // (chunk boundaries follow buffer sizes; the rows never do), and never more than rows.
        let files = try Self.rows(400, folder)
        let path = files[0].path
        #expect(try collectRows(files, threads: 2, chunkSize: 1).report.files[0].chunks > 2)
        #expect(try collectRows(files, threads: 2, chunkSize: 1, chunksPerFileLimit: 400).rows.count == 400)
        #expect(throws: InputError.tooManyChunks(file: path, limit: 2, chunkSize: 1)) {
            try collectRows(files, threads: 2, chunkSize: 1, chunksPerFileLimit: 2)
        }
        #expect(
            InputError.tooManyChunks(file: path, limit: 2, chunkSize: 1).description
                == "\(path): more than 2 chunks at --chunk-size 1; use a larger --chunk-size")
    }

    @Test func moreRowsInAChunkThanTheLimitStopTheRun() throws {
        let folder = TempFolder()
        let files = try Self.rows(10, folder)
        #expect(try collectRows(files, threads: 2, chunkSize: 1 << 20, rowsPerChunkLimit: 10).rows.count == 10)
        #expect(throws: InputError.tooManyRows(file: files[0].path, limit: 9)) {
            try collectRows(files, threads: 2, chunkSize: 1 << 20, rowsPerChunkLimit: 9)
        }
        #expect(
            InputError.tooManyRows(file: files[0].path, limit: 9).description
                == "\(files[0].path): more than 9 rows in one chunk; use a smaller --chunk-size")
    }

    @Test func chunkSizesAreBounded() {
        #expect(PipelineOptions(chunkSize: 1 << 40).chunkSize == PipelineOptions.maxChunkSize)
        #expect(PipelineOptions(chunkSize: 0).chunkSize == 1)
    }
}

/// A usage file built row by row, knowing each row's physical line and which rows are malformed.
struct RejectFixture {
    struct Expected: Equatable {
        var line: Int
        var column: String
        var raw: [UInt8]
    }

    var text = usageColumns.joined(separator: ",") + "\n"
    var line = 2
    var rows = 0
    var expected: [Expected] = []

    static let good = ["r1", "acc", "P01", "voice", "2026-10-05T10:00:00Z", "60", "0", "8613", "60", "0.20", "", "n"]

    /// Adds one record (its CSV text, no line end); `column` names the reject reason's column.
    mutating func add(_ record: String, bad column: String? = nil, crlf: Bool = false) {
        if let column { expected.append(Expected(line: line, column: column, raw: Self.cut(record))) }
        text += record + (crlf ? "\r\n" : "\n")
        line += record.filter { $0 == "\n" || $0 == "\r\n" }.count + 1
        rows += 1
    }

    mutating func addBlank() {
        text += "\n"
        line += 1
    }

    /// A good row with `column` replaced by `value` (quoted as needed).
    static func row(_ index: Int, _ column: String? = nil, _ value: String = "", note: String = "n") -> String {
        var fields = good
        fields[0] = "r\(index)"
        fields[11] = note
        if let column, let at = usageColumns.firstIndex(of: column) { fields[at] = value }
        return fields.map { csvField($0) }.joined(separator: ",")
    }

    /// The oracle for rejects.csv's raw: the longest prefix of whole characters within 200 bytes.
    static func cut(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if out.count + bytes.count > 200 { break }
            out += bytes
        }
        return out
    }

    /// Good rows with every quoting shape, and the malformed shapes of DESIGN.md §5a/§6, mixed.
    static func make(seed: UInt64) -> RejectFixture {
        var random = SeededRandom(seed: seed)
        var fixture = RejectFixture()
        let bad: [(String, String)] = [
            ("start", "2026-13-05T10:00:00Z"), ("start", "2026-02-29T10:00:00"), ("start", "2026-10-05T24:00:00"),
            ("billed_amount", ".5"), ("billed_amount", "1.1234567"), ("service", "fax"), ("duration_s", "-1"),
            ("volume_bytes", ""), ("billed_quantity", "1.0"), ("destination", "+8613"), ("cycle", "2026-13"),
            ("record_id", ""), ("start", "2026-10-05T10:00:00+0800"),
        ]
        var index = 0
        func next() -> Int {
            index += 1
            return index
        }
        for round in 0..<3 {
            for (column, value) in bad {
                for _ in 0..<Int(random.next() % 4) {
                    let notes = ["n", "a\nb\nc", "x,\"y\"", "p\r\nq", "", "é€"]
                    fixture.add(row(next(), note: notes[Int(random.next() % 6)]), crlf: random.next() % 3 == 0)
                }
                if random.next() % 5 == 0 { fixture.addBlank() }
                // Sometimes the bad row itself spans lines.
                let note = random.next() % 3 == 0 ? "multi\nline\r\nnote" : "n"
                fixture.add(row(next(), column, value, note: note), bad: column, crlf: round == 1)
            }
            // CSV-level malformed rows: the reason's column is "row".
            fixture.add("r\(next()),acc,P01,voice,2026-10-05T10:00:00Z,60,0,86\"1\"3,60,0.20,,n", bad: "row")
            fixture.add("r\(next()),\"acc\"x,P01,voice,2026-10-05T10:00:00Z,60,0,8613,60,0.20,,n", bad: "row")
            fixture.add("r\(next()),acc,P01,voice,2026-10-05T10:00:00Z,60", bad: "row")
            fixture.add(row(next(), note: "a\nb") + ",extra", bad: "row")
            // A long raw: cut at 200 bytes, never inside a character.
            let long = String(repeating: "é€x", count: 60 + round)
            fixture.add(row(next(), "billed_amount", "1e3", note: long), bad: "billed_amount")
            fixture.add(row(next(), note: long))
        }
        return fixture
    }
}

/// Thread-safe record of which files the workers were handed chunks of.
final class SeenFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var files: Set<Int> = []
    func insert(_ file: Int) {
        lock.lock()
        files.insert(file)
        lock.unlock()
    }
    var all: Set<Int> {
        lock.lock()
        defer { lock.unlock() }
        return files
    }
}

@Suite struct PipelineTests {
    /// Several files (plain, BOM + CRLF, multi-member gzip): every row, line and field as the
    /// reference reader sees them, for every thread count and chunk size.
    @Test(arguments: threadCounts, chunkSizes)
    func rowsMatchReference(threads: Int, chunkSize: Int) throws {
        let folder = TempFolder()
        let generated = CSVCase.generated.bytes
        let bom: [UInt8] =
            [0xef, 0xbb, 0xbf] + Array((usageColumns.joined(separator: ",") + "\r\n").utf8)
            + Array(
                String(decoding: CSVCase.generated.bytes, as: UTF8.self).split(separator: "\n", maxSplits: 1)[1].utf8)
        let gzip = folder.writeGzip(
            "b.csv.gz", members: [Array(generated[0..<1000]), Array(generated[1000..<1001]), Array(generated[1001...])])
        let inputs: [(String, [UInt8])] = [
            (folder.write("a.csv", generated), generated), (folder.write("bom.csv", bom), bom), (gzip, generated),
            (
                folder.write("header-only.csv", Array(usageColumns.joined(separator: ",").utf8)),
                Array(usageColumns.joined(separator: ",").utf8)
            ),
        ]
        let files = inputs.map { InputFile(kind: .usage, path: $0.0) }
        let collected = try collectRows(files, threads: threads, chunkSize: chunkSize)
        var expected: [CollectedRow] = []
        for (index, input) in inputs.enumerated() {
            for case .record(let line, let fields) in ReferenceCSV.parse(input.1).dropFirst() {
                expected.append(CollectedRow(file: index, line: line, fields: fields))
            }
            let count = ReferenceCSV.parse(input.1).count - 1
            #expect(collected.report.files[index].rowsRead == count)
        }
        #expect(collected.rows.count == expected.count)
        if collected.rows != expected {
            let first = zip(collected.rows, expected).first { $0 != $1 }
            Issue.record(
                "first difference: got \(String(describing: first?.0)), expected \(String(describing: first?.1))")
        }
        #expect(collected.report.rejects.isEmpty)

        // The validate path (unordered merge) reads the same rows.
        let report = try Validation.run(
            files: files, options: PipelineOptions(threads: threads, chunkSize: chunkSize))
        #expect(report.files.map(\.rowsRead) == collected.report.files.map(\.rowsRead))
        #expect(report.files.map(\.rowsRejected) == [0, 0, 0, 0])
        #expect(report.files.map(\.gzip) == [false, false, true, false])
    }

    /// `--max-rejects N`: N rejects pass and are listed (file, line, reason, raw); reject N+1
    /// aborts with `file:line: column: reason` of the (N+1)-th malformed row in input order —
    /// the same for every thread count and chunk size.
    @Test(arguments: threadCounts, [1, 7, 64, 4096, 1 << 20])
    func maxRejects(threads: Int, chunkSize: Int) throws {
        let folder = TempFolder()
        let a = RejectFixture.make(seed: 1)
        let b = RejectFixture.make(seed: 2)
        let bBytes = Array(b.text.utf8)
        let aPath = folder.write("a.csv", a.text)
        let bPath = folder.writeGzip(
            "b.csv.gz", members: [Array(bBytes[0..<(bBytes.count / 2)]), Array(bBytes[(bBytes.count / 2)...])])
        let files = [InputFile(kind: .usage, path: aPath), InputFile(kind: .usage, path: bPath)]
        let expected = a.expected.map { (0, $0) } + b.expected.map { (1, $0) }
        let total = expected.count
        #expect(total > 40)

        func run(_ maxRejects: Int) throws(InputError) -> PipelineReport {
            try Validation.run(
                files: files, options: PipelineOptions(threads: threads, chunkSize: chunkSize, maxRejects: maxRejects))
        }
        let baseline = try Validation.run(
            files: files, options: PipelineOptions(threads: 1, chunkSize: 1 << 20, maxRejects: total))

        for maxRejects in [total, total + 10] {
            let report = try run(maxRejects)
            #expect(report.rejects.count == total)
            for (got, (file, want)) in zip(report.rejects, expected) {
                #expect(got.file == file)
                #expect(got.line == want.line, "reject \(got.reason)")
                #expect(got.reason.hasPrefix(want.column + ": "), "line \(want.line): \(got.reason)")
                #expect(got.raw == want.raw, "line \(want.line)")
                #expect(got.raw.count <= 200)
            }
            // Identical to one thread and one big chunk (the chunk index inside a Reject is internal).
            func key(_ r: Reject) -> String { "\(r.file):\(r.line): \(r.reason) \(r.raw)" }
            #expect(report.rejects.map(key) == baseline.rejects.map(key))
            // read == audited + rejected, with read the true row count.
            #expect(report.files.map(\.rowsRead) == [a.rows, b.rows])
            #expect(report.files.map(\.rowsRejected) == [a.expected.count, b.expected.count])
        }

        for maxRejects in [0, 1, 2, a.expected.count - 1, a.expected.count, a.expected.count + 1, total - 1] {
            let over = baseline.rejects[maxRejects]
            let path = files[over.file].path
            let wanted: InputError =
                maxRejects == 0
                ? .malformedRow(file: path, line: over.line, reason: over.reason)
                : .tooManyRejects(file: path, line: over.line, reason: over.reason, limit: maxRejects)
            do {
                _ = try run(maxRejects)
                Issue.record("--max-rejects \(maxRejects) of \(total) did not abort")
            } catch {
                #expect(error == wanted, "--max-rejects \(maxRejects)")
                let (file, want) = expected[maxRejects]
                #expect(error.description.hasPrefix("\(files[file].path):\(want.line): \(want.column): "))
            }
        }
    }

    @Test func rejectRawIsCutAtACharacterBoundary() {
        func cut(_ text: String) -> String {
            Array(text.utf8).withUnsafeBytes { String(decoding: Reject.cut($0, to: 200), as: UTF8.self) }
        }
        let a199 = String(repeating: "a", count: 199)
        #expect(cut(a199 + "é") == a199)  // 201 bytes: the 2-byte é would end at byte 201
        #expect(cut(a199 + "a") == a199 + "a")  // 200 bytes: no cut
        #expect(cut(a199 + "éz") == a199)
        #expect(cut(String(repeating: "a", count: 198) + "€z") == String(repeating: "a", count: 198))
        #expect(cut(String(repeating: "a", count: 197) + "€z") == String(repeating: "a", count: 197) + "€")
        #expect(cut(String(repeating: "a", count: 196) + "😀z") == String(repeating: "a", count: 196) + "😀")
        #expect(cut(String(repeating: "a", count: 197) + "😀z") == String(repeating: "a", count: 197))
        #expect(cut(String(repeating: "b", count: 200)) == String(repeating: "b", count: 200))
        #expect(cut(String(repeating: "b", count: 250)) == String(repeating: "b", count: 200))
        #expect(cut(String(repeating: "€", count: 100)) == String(repeating: "€", count: 66))
    }

    /// Corrupt or truncated gzip aborts whatever --max-rejects allows.
    @Test(arguments: threadCounts)
    func corruptGzipAbortsRegardlessOfBudget(threads: Int) throws {
        let folder = TempFolder()
        let fixture = RejectFixture.make(seed: 3)
        var gzip = TestGzip.compress(Array(fixture.text.utf8))
        let truncated = folder.write("t.csv.gz", Array(gzip[0..<(gzip.count - 20)]))
        gzip[gzip.count - 6] ^= 0x40  // the length field of the trailer
        let badLength = folder.write("l.csv.gz", gzip)
        gzip[gzip.count - 6] ^= 0x40
        gzip[gzip.count - 8] ^= 0x01  // the CRC-32
        let badCRC = folder.write("c.csv.gz", gzip)
        for maxRejects in [0, fixture.expected.count, 1_000_000] {
            for chunkSize in [64, 1 << 20] {
                let options = PipelineOptions(threads: threads, chunkSize: chunkSize, maxRejects: maxRejects)
                for (path, flipped) in [(badLength, gzip.count - 6), (badCRC, gzip.count - 8)] {
                    do {
                        _ = try Validation.run(files: [InputFile(kind: .usage, path: path)], options: options)
                        Issue.record("\(path) passed with --max-rejects \(maxRejects)")
                    } catch {
                        // With a budget smaller than the file's malformed rows, a reject may abort first.
                        if maxRejects >= fixture.expected.count {
                            guard case .corruptGzip(path, let offset, _) = error else {
                                Issue.record("\(error)")
                                continue
                            }
                            #expect(offset > flipped && offset <= gzip.count)
                        }
                    }
                }
                do {
                    _ = try Validation.run(files: [InputFile(kind: .usage, path: truncated)], options: options)
                    Issue.record("truncated file passed with --max-rejects \(maxRejects)")
                } catch {
                    if maxRejects >= fixture.expected.count {
                        #expect(error == .truncatedGzip(file: truncated, compressedOffset: gzip.count - 20))
                    }
                }
            }
        }
        // A later corrupt file aborts a run whose earlier files were fine.
        let good = folder.write("good.csv", RejectFixture.make(seed: 4).text)
        #expect(throws: InputError.self) {
            try Validation.run(
                files: [InputFile(kind: .usage, path: good), InputFile(kind: .usage, path: badCRC)],
                options: PipelineOptions(threads: threads, chunkSize: 256, maxRejects: 1_000_000))
        }
    }

    /// A quote that never closes in a file larger than the chunker's record limit (64 MiB) aborts
    /// with the line the runaway record starts on, not a silent partial read.
    @Test(arguments: [1, 2], [64, 1 << 20])
    func runawayQuoteAbortsWithItsLine(threads: Int, chunkSize: Int) throws {
        let folder = TempFolder()
        var fixture = RejectFixture()
        for index in 0..<10 { fixture.add(RejectFixture.row(index, note: index % 3 == 0 ? "a\nb" : "n")) }
        let line = fixture.line
        let path = folder.write("runaway.csv", fixture.text + "r99,\"never closed\n")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        let block = Data(String(repeating: "x,y,z\n", count: 1 << 16).utf8)
        for _ in 0..<(((64 << 20) / block.count) + 2) { handle.write(block) }
        handle.closeFile()
        #expect(throws: InputError.recordTooLong(file: path, line: line, limit: 64 << 20)) {
            try Validation.run(
                files: [InputFile(kind: .usage, path: path)],
                options: PipelineOptions(threads: threads, chunkSize: chunkSize, maxRejects: 1_000_000))
        }
    }

    /// The first failure reported is the first in input order: files in the order given.
    @Test(arguments: threadCounts, [1, 64, 1 << 20])
    func firstFailureInInputOrder(threads: Int, chunkSize: Int) throws {
        let folder = TempFolder()
        var early = RejectFixture()
        early.add(RejectFixture.row(1))
        early.add(RejectFixture.row(2, "start", "2026-10-05T10:00"), bad: "start")
        var late = RejectFixture()
        for index in 0..<50 { late.add(RejectFixture.row(index, "billed_amount", "x"), bad: "billed_amount") }
        let earlyPath = folder.write("z-early.csv", early.text)
        let latePath = folder.write("a-late.csv", late.text)
        // Given order [late, early]: the late-named file was given first.
        for (order, firstPath, firstLine) in [
            ([latePath, earlyPath], latePath, 2), ([earlyPath, latePath], earlyPath, 3),
        ] {
            let files = order.map { InputFile(kind: .usage, path: $0) }
            let error = #expect(throws: InputError.self) {
                try Validation.run(files: files, options: PipelineOptions(threads: threads, chunkSize: chunkSize))
            }
            guard case .malformedRow(let file, let line, _) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            #expect(file == firstPath)
            #expect(line == firstLine)
        }
    }

    /// A folder's files in sorted path order (recursively, skipping names starting with ".").
    @Test func folderExpansionOrder() throws {
        let folder = TempFolder()
        for name in ["b.csv", "a.csv", "a/z.csv", "a-b.csv", "sub/c.csv", "sub/.hidden.csv", ".dot/x.csv", "B.csv"] {
            folder.write("in/" + name, "x\n")
        }
        let extra = folder.write("extra.csv", "x\n")
        let files = try InputFiles.expand(.usage, [extra, folder.path + "/in"])
        let root = folder.path + "/in/"
        #expect(
            files.map(\.path) == [extra]
                + ["B.csv", "a-b.csv", "a.csv", "a/z.csv", "b.csv", "sub/c.csv"].map { root + $0 })
        #expect(files.allSatisfy { $0.kind == .usage })
        #expect(throws: InputError.notFound(path: folder.path + "/missing")) {
            try InputFiles.expand(.usage, [folder.path + "/missing"])
        }
    }

    /// Links in a folder: a loop back up the tree is not walked again, a file reached under two
    /// paths is read once (at its first path in sorted order), a broken link stops the expansion.
    @Test func folderWalkFollowsLinksOnce() throws {
        let folder = TempFolder()
        let root = folder.path + "/in"
        folder.write("in/sub/u.csv", "x\n")
        folder.write("in/z/v.csv", "x\n")
        try FileManager.default.createSymbolicLink(atPath: root + "/sub/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root + "/alias", withDestinationPath: "sub")
        try FileManager.default.createSymbolicLink(atPath: root + "/z/again.csv", withDestinationPath: "v.csv")
        let files = try InputFiles.expand(.usage, [root])
        // "alias/u.csv" sorts before "sub/u.csv", "z/again.csv" before "z/v.csv": the same files.
        #expect(files.map(\.path) == ["alias/u.csv", "z/again.csv"].map { root + "/" + $0 })
        try FileManager.default.createSymbolicLink(atPath: root + "/sub/broken.csv", withDestinationPath: "nowhere")
        #expect(throws: InputError.self) { try InputFiles.expand(.usage, [root]) }
    }

    /// Each folder is listed once, under the least path (in byte order) that reaches it: a chain
    /// of 40 folders each linking twice to the next has 2^40 paths and is 41 files (walking
    /// every path took 115 s at 22 folders). And the least path is by bytes, not walk order:
    /// `a-b/` sorts before `a/`, so a folder reached as both is read as `a-b`.
    @Test func aFolderReachedByManyPathsIsListedOnceUnderItsLeastPath() throws {
        let folder = TempFolder()
        let depth = 40
        for level in 0...depth { folder.write("chain/n\(level)/u.csv", "x\n") }
        for level in 0..<depth {
            for link in ["a", "b"] {
                try FileManager.default.createSymbolicLink(
                    atPath: folder.path + "/chain/n\(level)/" + link, withDestinationPath: "../n\(level + 1)")
            }
        }
        let root = folder.path + "/chain/n0"
        let files = try InputFiles.expand(.usage, [root]).map(\.path)
        let expected = (0...depth).map { root + "/" + String(repeating: "a/", count: $0) + "u.csv" }
        #expect(files == expected.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })

        folder.write("order/a/f.csv", "x\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/order/a-b", withDestinationPath: "a")
        #expect(
            try InputFiles.expand(.usage, [folder.path + "/order"]).map(\.path) == [folder.path + "/order/a-b/f.csv"])
    }

    // MARK: headers

    @Test(arguments: threadCounts)
    func missingRequiredColumnStopsBeforeAnyRow(threads: Int) throws {
        let folder = TempFolder()
        let columns = usageColumns.filter { $0 != "start" && $0 != "billed_amount" }
        var text = columns.joined(separator: ",") + "\n"
        for _ in 0..<100 { text += "garbage,\"row\n" }
        let good = folder.write("good.csv", RejectFixture.make(seed: 5).text)
        let bad = folder.write("bad.csv", text)
        #expect(throws: InputError.missingColumns(file: bad, columns: ["start", "billed_amount"])) {
            try Validation.run(
                files: [InputFile(kind: .usage, path: bad)],
                options: PipelineOptions(threads: threads, chunkSize: 64, maxRejects: 1_000_000))
        }
        // No worker is ever handed a chunk of the file whose header failed.
        let seen = SeenFiles()
        let pipeline = ChunkPipeline<Validation.Partial>(
            files: [InputFile(kind: .usage, path: good), InputFile(kind: .usage, path: bad)],
            options: PipelineOptions(threads: threads, chunkSize: 64, maxRejects: 1_000_000),
            layout: { (file, header, _) throws(InputError) in
                try ColumnLayout(kind: file.kind, header: header, file: file.path)
            },
            makeWorker: {
                { job in
                    seen.insert(job.position.file)
                    return Validation.Partial()
                }
            })
        #expect(throws: InputError.missingColumns(file: bad, columns: ["start", "billed_amount"])) {
            try pipeline.run(ordered: true) { (_, _) throws(InputError) in }
        }
        #expect(!seen.all.contains(1))
    }

    @Test func headerErrors() throws {
        let header = usageColumns.joined(separator: ",")
        func layout(_ text: String, _ kind: RecordKind = .usage) throws(InputError) -> ColumnLayout {
            try ColumnLayout(kind: kind, header: Array(text.utf8), file: "f.csv")
        }
        #expect(throws: InputError.duplicateColumn(file: "f.csv", column: "account")) {
            try layout(header + ",account")
        }
        #expect(throws: InputError.duplicateColumn(file: "f.csv", column: "extra")) {
            try layout(header + ",extra,extra")
        }
        #expect(throws: InputError.missingColumns(file: "f.csv", columns: RecordKind.usage.requiredColumns)) {
            try layout("a,b")
        }
        // Header names are exact: case and spaces matter.
        #expect(throws: InputError.missingColumns(file: "f.csv", columns: ["account"])) {
            try layout(header.replacingOccurrences(of: ",account,", with: ",Account,"))
        }
        #expect(throws: InputError.missingColumns(file: "f.csv", columns: ["plan"])) {
            try layout(header.replacingOccurrences(of: ",plan,", with: ", plan,"))
        }
        #expect(throws: InputError.self) { try layout("") }
        #expect(throws: InputError.self) { try layout("a,b\"c") }
        // Quoted names are names.
        let quoted = try layout(usageColumns.map { "\"\($0)\"" }.joined(separator: ","))
        #expect(quoted.names == usageColumns)
        // Every kind's required columns.
        for kind in RecordKind.allCases {
            let layout = try layout(kind.requiredColumns.reversed().joined(separator: ",") + ",zz", kind)
            #expect(layout.fieldCount == kind.requiredColumns.count + 1)
            #expect(layout.required == Array((0..<kind.requiredColumns.count).reversed()))
        }
        // Duplicates through the pipeline.
        let folder = TempFolder()
        let path = folder.write("dup.csv", header + ",note\n")
        #expect(throws: InputError.duplicateColumn(file: path, column: "note")) {
            try Validation.run(files: [InputFile(kind: .usage, path: path)], options: PipelineOptions(threads: 2))
        }
    }

    /// Columns in any order, unknown extra columns ignored: the same records decode to the same values.
    @Test(arguments: 0..<6)
    func columnsInAnyOrder(permutation: Int) throws {
        var random = SeededRandom(seed: UInt64(permutation))
        var columns = usageColumns + ["zz_unknown"]
        if permutation > 0 { columns.shuffle(using: &random) }
        if permutation == 5 { columns.removeAll { $0 == "cycle" } }
        let rows: [[String: String]] = (0..<20).map { index in
            var row = Dictionary(uniqueKeysWithValues: zip(usageColumns, usageRow(index, using: &random)))
            row["zz_unknown"] = "\"not,even\"\"valid"
            return row
        }
        var text = columns.joined(separator: ",") + "\n"
        for row in rows { text += columns.map { csvField(row[$0]!) }.joined(separator: ",") + "\n" }
        let folder = TempFolder()
        let path = folder.write("perm.csv", text)
        let report = try Validation.run(
            files: [InputFile(kind: .usage, path: path)], options: PipelineOptions(threads: 2, chunkSize: 100))
        #expect(report.rejects.isEmpty)
        #expect(report.files[0].rowsRead == 20)

        // Decoded values do not depend on the column order.
        let headerBytes = Array(columns.joined(separator: ",").utf8)
        let layout = try ColumnLayout(kind: .usage, header: headerBytes, file: path)
        let decoder = UsageDecoder(layout: layout, timezoneOffset: 8 * 3600)
        let scanner = CSVScanner(capacity: 32)
        for row in rows {
            let line = Array(columns.map { csvField(row[$0]!) }.joined(separator: ",").utf8)
            try line.withUnsafeBytes { bytes in
                scanner.reset(bytes)
                #expect(scanner.next() == .record)
                let record = try decoder.decode(scanner)
                #expect(String(decoding: record.recordID, as: UTF8.self) == row["record_id"])
                #expect(String(decoding: record.account, as: UTF8.self) == row["account"])
                #expect(record.service.name == row["service"])
                #expect(record.durationSeconds == Int64(row["duration_s"]!))
                #expect(record.billedAmount == Money(row["billed_amount"]!))
                let start = FieldDecoder.withBytes(row["start"]!) {
                    FieldDecoder.timestamp($0, defaultOffset: 8 * 3600)
                }
                #expect(record.start == start)
                let cycleText = permutation == 5 ? "" : row["cycle"]!
                let localMonth = CivilTime.cycle(days: CivilTime.floorDiv(start! + 8 * 3600, 86_400))
                #expect(record.cycle == (cycleText.isEmpty ? localMonth : 202_610))
            }
        }
    }

    /// `cycle` is optional: absent or empty → the local month of the timestamp (catalog time zone).
    @Test func cycleColumnIsOptional() throws {
        func decodeUsage(_ header: [String], _ fields: [String], offset: Int64) throws -> UsageRecord? {
            let layout = try ColumnLayout(kind: .usage, header: Array(header.joined(separator: ",").utf8), file: "f")
            let decoder = UsageDecoder(layout: layout, timezoneOffset: offset)
            let scanner = CSVScanner(capacity: 32)
            let bytes = Array(fields.joined(separator: ",").utf8)
            return try bytes.withUnsafeBytes { raw throws(RowError) -> UsageRecord? in
                scanner.reset(raw)
                _ = scanner.next()
                return try decoder.decode(scanner)
            }
        }
        let header = Array(usageColumns.prefix(10))
        var fields = Array(RejectFixture.good.prefix(10))
        fields[4] = "2026-10-31T20:00:00Z"  // 2026-11-01 04:00 at +08:00
        #expect(try decodeUsage(header, fields, offset: 8 * 3600)?.cycle == 202_611)
        #expect(try decodeUsage(header, fields, offset: 0)?.cycle == 202_610)
        #expect(try decodeUsage(header + ["cycle"], fields + [""], offset: 8 * 3600)?.cycle == 202_611)
        #expect(try decodeUsage(header + ["cycle"], fields + ["2026-10"], offset: 8 * 3600)?.cycle == 202_610)
        #expect(throws: RowError.self) { try decodeUsage(header + ["cycle"], fields + ["2026-1"], offset: 0) }
        fields[4] = "1969-12-31T23:30:00"  // local, before 1970
        #expect(try decodeUsage(header, fields, offset: -3600)?.cycle == 196_912)
        do {
            _ = try decodeUsage(header + ["cycle"], fields + ["2026-13"], offset: 0)
            Issue.record("cycle 2026-13 decoded")
        } catch let error as RowError {
            #expect(error.column == "cycle")
        }

        // Charges: the same rule.
        let chargeHeader = RecordKind.charge.requiredColumns
        let layout = try ColumnLayout(kind: .charge, header: Array(chargeHeader.joined(separator: ",").utf8), file: "f")
        let decoder = ChargeDecoder(layout: layout, timezoneOffset: 8 * 3600)
        let scanner = CSVScanner(capacity: 16)
        let cycle = try Array("i1,acc,CLIP,5.00,2026-10-31T20:00:00Z,,".utf8).withUnsafeBytes {
            raw throws(RowError) -> Int32 in
            scanner.reset(raw)
            _ = scanner.next()
            return try decoder.decode(scanner).cycle
        }
        #expect(cycle == 202_611)
    }

    /// Every wait of the pipeline met on purpose — a consumer slower than the workers (they hold
    /// finished partials, and so their buffers, until it takes some), workers slower than the
    /// inflaters (the job queue fills), many small files (inflaters move from file to file) —
    /// and still every chunk of every file reaches the consumer exactly once, in both modes.
    @Test(arguments: threadCounts, [false, true])
    func everyChunkOnceWhateverWaits(threads: Int, ordered: Bool) throws {
        let folder = TempFolder()
        var files: [InputFile] = []
        var expectedRows: [Int] = []
        for file in 0..<7 {
            let rows = 1200 + 130 * file
            files += try ChunkLimitTests.rows(rows, folder, name: "u\(file).csv")
            expectedRows.append(rows)
        }
        let pipeline = ChunkPipeline<CollectingPartial>(
            files: files, options: PipelineOptions(threads: threads, chunkSize: 48),
            makeWorker: {
                let reader = RowReader()
                var jobs = 0
                return { job in
                    jobs += 1
                    // Every third job is slow: the inflaters fill the queue meanwhile.
                    if jobs % 3 == 0 { usleep(300) }
                    var partial = CollectingPartial()
                    partial.lineCount = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                        (_) throws(RowError) in
                    }
                    return partial
                }
            })
        var seen: [ChunkPosition: Int] = [:]
        var rowsPerFile = [Int](repeating: 0, count: files.count)
        var consumed = 0
        let report = try pipeline.run(ordered: ordered) { (position, partial) throws(InputError) in
            seen[position, default: 0] += 1
            rowsPerFile[position.file] += partial.rowsRead
            consumed += 1
            // A slow consumer now and then: finished partials pile up behind it.
            if consumed % 5 == 0 { usleep(1500) }
        }
        #expect(rowsPerFile == expectedRows)
        #expect(report.files.map(\.rowsRead) == expectedRows)
        #expect(seen.values.allSatisfy { $0 == 1 })
        for (file, stats) in report.files.enumerated() {
            #expect(stats.chunks > 10, "file \(file) must span many chunks")
            #expect((0..<stats.chunks).allSatisfy { seen[ChunkPosition(file: file, sequence: $0)] == 1 })
        }
        #expect(seen.count == report.files.map(\.chunks).reduce(0, +))
    }

    /// Every kind through validate: good rows pass, bad rows name their column.
    @Test(arguments: threadCounts)
    func allKinds(threads: Int) throws {
        let folder = TempFolder()
        let charges = folder.write(
            "c.csv",
            "item_id,account,code,amount,charged_at,provider,service_code,cycle\n"
                + "i1,a,CLIP,5.00,2026-10-05T10:00:00,,,\ni2,a,VAS,1,2026-10-05T10:00:00+08:00,SP1,S1,2026-10\n"
                + ",a,CLIP,5,2026-10-05T10:00:00,,,\ni4,a,CLIP,5.0000001,2026-10-05T10:00:00,,,\n"
                + "i5,a,CLIP,5,2026-10-05,,,\n")
        let subscriptions = folder.write(
            "s.csv",
            "account,provider,service_code,ordered_at,confirmed_at,cancelled_at,channel\n"
                + "a,SP1,S1,2026-10-01T10:00:00,2026-10-01T10:05:00,,sms\na,SP1,S1,2026-10-01T10:00:00,,,\n"
                + "a,SP1,S1,2026-10-01T10:00:00,yesterday,,\na,SP1,S1,,,,\n")
        let providers = folder.write(
            "p.csv",
            "provider,name,licence,valid_from,valid_to\nSP1,One,L-1,2020-01-01,\nSP2,Two,,2020-01-01,2030-12-31\n"
                + "SP3,Three,L-3,2020-02-30,\nSP4,Four,L-4,2020-01-02,2020-01-01\n")
        let report = try Validation.run(
            files: [
                InputFile(kind: .charge, path: charges), InputFile(kind: .subscription, path: subscriptions),
                InputFile(kind: .provider, path: providers),
            ], options: PipelineOptions(threads: threads, chunkSize: 32, maxRejects: 100))
        #expect(report.files.map(\.rowsRead) == [5, 4, 4])
        #expect(report.files.map(\.rowsRejected) == [3, 2, 2])
        #expect(report.rejects.map(\.file) == [0, 0, 0, 1, 1, 2, 2])
        #expect(report.rejects.map(\.line) == [4, 5, 6, 4, 5, 4, 5])
        #expect(
            report.rejects.map { String($0.reason.prefix { $0 != ":" }) } == [
                "item_id", "amount", "charged_at", "confirmed_at", "ordered_at", "valid_from", "valid_to",
            ])
    }
}
