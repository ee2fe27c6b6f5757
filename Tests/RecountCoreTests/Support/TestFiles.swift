import Foundation
import Testing

@testable import RecountCore

/// A fresh folder under the system temporary folder, removed when the value goes away.
final class TempFolder: @unchecked Sendable {
    let path: String

    init() {
        let name = "recount-tests-" + UUID().uuidString
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` (sub-folders created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = (path as NSString).appendingPathComponent(name)
        let folder = (full as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot write \(full)")
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    /// Writes the gzip of each part, concatenated (one member per part).
    @discardableResult
    func writeGzip(_ name: String, members: [[UInt8]], level: Int32 = 6) -> String {
        write(name, members.flatMap { TestGzip.compress($0, level: level) })
    }
}

enum TestGzip {
    /// `bytes` gzip-compressed through the project's own `GzipWriter`: by default one zlib member
    /// (level 6), the reference the inflater tests build their files from.
    static func compress(_ bytes: [UInt8], engine: GzipEngine = .zlib, level: Int32 = 6) -> [UInt8] {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("recount-gz-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let sink = try FileSink(path: path)
            let writer = try GzipWriter(sink: sink, engine: engine, level: level)
            try bytes.withUnsafeBytes { try writer.write($0) }
            try writer.finish()
            try sink.close()
        } catch {
            Issue.record("gzip writer failed: \(error)")
        }
        return Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    /// `/bin/gzip -dc`: an independent decoder, to check what `TestGzip.compress` wrote.
    static func systemDecompress(_ path: String) -> [UInt8]? {
        let result = TestProcess.run("/bin/gzip", ["-dc", path])
        return result.status == 0 ? result.stdout : nil
    }
}

enum TestProcess {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return Result(status: -1, stdout: [], stderr: "\(error)") }
        // Read both pipes to the end before waiting, so a full pipe never blocks the child.
        let errData = LockedData()
        let errThread = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: Array(outData),
            stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    private final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var finished = false
        func set(_ value: Data) {
            lock.lock()
            data = value
            finished = true
            lock.unlock()
        }
        var done: Bool {
            lock.lock()
            defer { lock.unlock() }
            return finished
        }
        func get() -> Data {
            lock.lock()
            defer { lock.unlock() }
            return data
        }
    }

    /// `sha256sum FILE`'s hex digest.
    static func sha256sum(_ path: String) -> String {
        let result = run("/usr/bin/sha256sum", [path])
        return String(String(decoding: result.stdout, as: UTF8.self).prefix(64))
    }
}

/// Reads a whole file through `ByteSource` + `Inflater` in blocks of `blockSize` bytes.
func inflateWhole(
    _ path: String, blockSize: Int = 1 << 16, engine: InflateEngine = .standard
) throws(InputError) -> [UInt8] {
    let inflater = try Inflater(source: try ByteSource(path: path), engine: engine)
    var out: [UInt8] = []
    var block = [UInt8](repeating: 0, count: blockSize)
    while true {
        var failure: InputError?
        let count = block.withUnsafeMutableBytes { buffer -> Int in
            do throws(InputError) { return try inflater.read(into: buffer) } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        if count == 0 { return out }
        out += block[0..<count]
    }
}

/// A small deterministic generator (SplitMix64), so every run sees the same "random" data.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The usage header DESIGN.md §2.1 requires, plus an unknown `note` column (ignored by decoders).
let usageColumns = [
    "record_id", "account", "plan", "service", "start", "duration_s", "volume_bytes", "destination",
    "billed_quantity", "billed_amount", "cycle", "note",
]

/// Quotes a field when it needs it (RFC 4180), or always when `force`.
func csvField(_ text: String, force: Bool = false) -> String {
    let needs =
        force || text.contains(",") || text.contains("\"") || text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
    return needs ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

/// A valid usage row whose text fields (account, note) carry every quoting shape:
/// commas, doubled quotes, LF and CRLF inside quotes, non-ASCII text, empty fields.
func usageRow(_ index: Int, using random: inout SeededRandom) -> [String] {
    let notes = [
        "", "plain", "with, comma", "say \"hi\"", "line1\nline2", "crlf1\r\ncrlf2", "\"\"", ",", "你好，世界",
        "tail quote\"", "a\n\n\nb", String(repeating: "x", count: Int(random.next() % 300)),
    ]
    let note = notes[Int(random.next() % UInt64(notes.count))]
    let account = index % 7 == 0 ? "acc,\(index % 13)" : "acc\(index % 13)"
    let services = ["voice", "sms", "data"]
    let hour = Int(random.next() % 24)
    let offsets = ["", "Z", "+08:00", "-05:00"]
    let start =
        String(format: "2026-10-%02dT%02d:%02d:%02d", 1 + index % 28, hour, index % 60, (index * 7) % 60)
        + offsets[index % offsets.count]
    let cycle = index % 3 == 0 ? "" : "2026-10"
    return [
        "r\(index)", account, "P01", services[index % 3], start, String(random.next() % 4000),
        String(random.next() % 100_000), index % 5 == 0 ? "" : "8613\(index)", String(random.next() % 4000),
        "\(random.next() % 100).\(String(format: "%02d", Int(random.next() % 100)))", cycle, note,
    ]
}

/// Joins fields into a CSV line (no line end); fields are quoted when needed, or at random.
func csvLine(_ fields: [String], using random: inout SeededRandom) -> String {
    fields.map { csvField($0, force: random.next() % 5 == 0) }.joined(separator: ",")
}

// MARK: - The oracle

/// A slow, obviously correct RFC 4180 reader over Unicode scalars (not `Character`s: Swift
/// treats "\r\n" as one `Character`). It states the contract the byte scanner must meet:
/// - a UTF-8 BOM at the very start is skipped; the first record is the header;
/// - an empty line (or a lone "\r" before "\n") between records is blank and skipped;
/// - a record's line is the physical line (1-based) it starts on;
/// - a malformed record (quote inside an unquoted field, text after a closing quote, a quote
///   never closed) is skipped to the first "\n" outside a quoted field, where a quote opens a
///   quoted field only as a field's first character — the rule the chunker and scanner share
///   (`RecordEnds`): a stray quote costs its own record only.
enum ReferenceCSV {
    enum Item: Equatable, CustomStringConvertible {
        case record(line: Int, fields: [String])
        case malformed(line: Int)

        var line: Int {
            switch self {
            case .record(let line, _), .malformed(let line): return line
            }
        }

        var description: String {
            switch self {
            case .record(let line, let fields): return "\(line): \(fields)"
            case .malformed(let line): return "\(line): malformed"
            }
        }
    }

    static func parse(_ bytes: [UInt8]) -> [Item] {
        var scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var items: [Item] = []
        var i = 0
        var line = 1
        let n = scalars.count

        func lineBreaks(_ from: Int, _ to: Int) -> Int { scalars[from..<to].filter { $0 == "\n" }.count }

        while i < n {
            let recordStart = i
            // Blank line?
            if scalars[i] == "\n" {
                i += 1
                line += 1
                continue
            }
            if scalars[i] == "\r", i + 1 < n, scalars[i + 1] == "\n" {
                i += 2
                line += 1
                continue
            }
            var fields: [String] = []
            var ok = true
            var field = ""
            parsing: while true {
                if i < n, scalars[i] == "\"" {
                    // Quoted field.
                    i += 1
                    var closed = false
                    while i < n {
                        if scalars[i] == "\"" {
                            if i + 1 < n, scalars[i + 1] == "\"" {
                                field.unicodeScalars.append("\"")
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        field.unicodeScalars.append(scalars[i])
                        i += 1
                    }
                    if !closed {
                        ok = false
                        break parsing
                    }
                    fields.append(field)
                    field = ""
                    if i == n { break parsing }
                    if scalars[i] == "," {
                        i += 1
                        if i == n {
                            fields.append("")
                            break parsing
                        }
                        continue parsing
                    }
                    if scalars[i] == "\n" {
                        i += 1
                        break parsing
                    }
                    if scalars[i] == "\r", i + 1 < n, scalars[i + 1] == "\n" {
                        i += 2
                        break parsing
                    }
                    ok = false
                    break parsing
                }
                // Unquoted field: up to ',' or '\n' or the end; a '"' is malformed.
                while i < n, scalars[i] != ",", scalars[i] != "\n" {
                    if scalars[i] == "\"" {
                        ok = false
                        break parsing
                    }
                    field.unicodeScalars.append(scalars[i])
                    i += 1
                }
                if i == n || scalars[i] == "\n" {
                    if field.unicodeScalars.last == "\r" { field.unicodeScalars.removeLast() }
                    fields.append(field)
                    if i < n { i += 1 }
                    break parsing
                }
                // A comma.
                fields.append(field)
                field = ""
                i += 1
                if i == n {
                    fields.append("")
                    break parsing
                }
            }
            if ok {
                items.append(.record(line: line, fields: fields))
                line += lineBreaks(recordStart, i)
            } else {
                // Skip to the first '\n' outside a quoted field: a '"' opens one only as a field's
                // first character; inside, '""' is a quote and any other '"' closes it.
                var j = recordStart
                var quoted = false
                var fieldStart = true
                while j < n {
                    let s = scalars[j]
                    j += 1
                    if quoted {
                        if s == "\"" {
                            if j < n, scalars[j] == "\"" { j += 1 } else { quoted = false }
                        }
                        continue
                    }
                    if s == "\n" { break }
                    if s == "\"", fieldStart {
                        quoted = true
                        fieldStart = false
                        continue
                    }
                    fieldStart = s == ","
                }
                items.append(.malformed(line: line))
                line += lineBreaks(recordStart, j)
                i = j
            }
        }
        return items
    }
}

// MARK: - Running the code under test

/// Every record of a file as the chunker + scanner see it: header fields, the header's line
/// count and each later item with its file line, for one chunk size.
func scanWithChunker(_ path: String, chunkSize: Int) throws(InputError) -> (
    header: [String], headerLines: Int, items: [ReferenceCSV.Item]
) {
    let inflater = try Inflater(source: try ByteSource(path: path))
    let chunker = LineChunker(inflater: inflater, chunkSize: chunkSize)
    let header = try chunker.readHeader()
    let scanner = CSVScanner(capacity: 64)
    var headerFields: [String] = []
    header.bytes.withUnsafeBytes { bytes in
        scanner.reset(bytes)
        if scanner.next() == .record {
            headerFields = (0..<scanner.fieldCount).map { String(decoding: scanner.field($0), as: UTF8.self) }
        }
    }
    var items: [ReferenceCSV.Item] = []
    var lineBase = header.lines + 1
    let buffer = ChunkBuffer(capacity: chunkSize)
    while try chunker.fill(buffer) {
        scanner.reset(buffer.bytes)
        loop: while true {
            switch scanner.next() {
            case .end: break loop
            case .blank: continue
            case .malformed: items.append(.malformed(line: lineBase + scanner.recordLine))
            case .record:
                let fields = (0..<scanner.fieldCount).map { String(decoding: scanner.field($0), as: UTF8.self) }
                items.append(.record(line: lineBase + scanner.recordLine, fields: fields))
            }
        }
        lineBase += scanner.linesConsumed
    }
    return (headerFields, header.lines, items)
}

/// The chunk sizes every streaming test runs through: tiny (a record never fits) to large.
let chunkSizes = [1, 2, 3, 7, 64, 1000, 4096, 1 << 20]
let threadCounts = [1, 2, 4]

extension InputError {
    /// The file an error names, for checks that do not care about the rest.
    var file: String? {
        switch self {
        case .cannotOpen(let file, _), .readFailed(let file, _), .corruptGzip(let file, _, _),
            .truncatedGzip(let file, _), .trailingGarbage(let file, _), .emptyFile(let file),
            .missingColumns(let file, _), .duplicateColumn(let file, _), .malformedHeader(let file, _),
            .recordTooLong(let file, _, _), .malformedRow(let file, _, _), .tooManyRejects(let file, _, _, _),
            .tooManyChunks(let file, _, _), .tooManyRows(let file, _):
            return file
        case .notFound(let path): return path
        }
    }
}

// MARK: - Rows through the whole pipeline

/// One row as the pipeline's workers saw it, its line resolved to the file's physical line.
struct CollectedRow: Equatable, Sendable {
    var file: Int
    var line: Int
    var fields: [String]
}

struct CollectingPartial: ChunkPartial {
    var lineCount = 0
    var rowsRead = 0
    var rejects: [Reject] = []
    var rows: [(line: Int, fields: [String])] = []
}

/// Runs `files` through `ChunkPipeline` (ordered) with workers that keep every well-formed
/// row's fields; returns them in input order with file lines, and the report.
func collectRows(
    _ files: [InputFile], threads: Int, chunkSize: Int, maxRejects: Int = 0, chunksPerFileLimit: Int = .max,
    rowsPerChunkLimit: Int = .max
) throws(InputError) -> (rows: [CollectedRow], report: PipelineReport) {
    var options = PipelineOptions(threads: threads, chunkSize: chunkSize, maxRejects: maxRejects)
    options.chunksPerFileLimit = chunksPerFileLimit
    options.rowsPerChunkLimit = rowsPerChunkLimit
    let pipeline = ChunkPipeline<CollectingPartial>(
        files: files, options: options,
        layout: { (file, header, _) throws(InputError) in
            try ColumnLayout(kind: file.kind, header: header, file: file.path)
        },
        makeWorker: {
            let reader = RowReader()
            return { job in
                var partial = CollectingPartial()
                var rows: [(line: Int, fields: [String])] = []
                partial.lineCount = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                    (row) throws(RowError) in
                    rows.append(
                        (row.recordLine, (0..<row.fieldCount).map { String(decoding: row.field($0), as: UTF8.self) }))
                }
                partial.rows = rows
                return partial
            }
        })
    var chunks: [(ChunkPosition, CollectingPartial)] = []
    var lastPosition: ChunkPosition?
    var outOfOrder = false
    let report = try pipeline.run(ordered: true) { (position, partial) throws(InputError) in
        if let last = lastPosition, !(last < position) { outOfOrder = true }
        lastPosition = position
        chunks.append((position, partial))
    }
    #expect(!outOfOrder, "ordered consume saw chunks out of order")
    var rows: [CollectedRow] = []
    var base: [Int: Int] = [:]
    for (position, partial) in chunks {
        let start = base[position.file] ?? (report.files[position.file].headerLines + 1)
        for row in partial.rows {
            rows.append(CollectedRow(file: position.file, line: start + row.line, fields: row.fields))
        }
        base[position.file] = start + partial.lineCount
    }
    return (rows, report)
}
