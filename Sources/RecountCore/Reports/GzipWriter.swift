import CZlib
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a gzip file, taking its input in blocks of `blockSize` (1 MiB) bytes.
///
/// With ISA-L (the default) each block becomes one complete gzip member; blocks are cut at fixed
/// offsets of the uncompressed stream, so the bytes depend on the content alone, never on how the
/// caller sized its writes. With zlib the file is one member, deflated a block at a time.
/// DESIGN §2 readers (and gzip, pigz, DuckDB, polars) read multi-member files whole.
///
/// Each write goes to the file descriptor it was given; the caller owns atomic placement
/// (write to a temporary path, then rename).
public final class GzipWriter {
    /// Uncompressed bytes per block (per gzip member with ISA-L).
    public static let blockSize = 1 << 20

    public let engine: GzipEngine
    private let sink: FileSink
    private let encoder: Encoder
    /// Input not yet encoded: fewer than `blockSize` bytes.
    private let block: UnsafeMutableRawBufferPointer
    private var blockCount = 0
    private var membersWritten = 0
    private var finished = false

    private enum Encoder {
        case isal(MemberBatch)
        case zlib(UnsafeMutablePointer<z_stream>, output: UnsafeMutableRawBufferPointer)
    }

    /// `level` is the engine's own: ISA-L takes 0 to 3 (1, the default, is its fast setting),
    /// zlib 1 to 9 (1 fastest, 6 its default).
    public init(sink: FileSink, engine: GzipEngine = .standard, level: Int32 = 1) throws(OutputError) {
        self.sink = sink
        self.engine = engine
        switch engine {
        case .isal:
            encoder = .isal(try MemberBatch(level: level, path: sink.path))
        case .zlib:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // windowBits 15 + 16 asks zlib for a gzip header and trailer.
            let status = deflateInit2_(
                stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                throw .compression(path: sink.path, reason: "zlib deflateInit2 returned \(status) (level \(level))")
            }
            encoder = .zlib(stream, output: .allocate(byteCount: 1 << 18, alignment: 64))
        }
        block = .allocate(byteCount: Self.blockSize, alignment: 64)
    }

    deinit {
        if case .zlib(let stream, let output) = encoder {
            deflateEnd(stream)
            stream.deallocate()
            output.deallocate()
        }
        block.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        var rest = bytes
        while !rest.isEmpty {
            if blockCount == 0 && rest.count >= Self.blockSize {
                // A whole block straight from the caller's memory: it starts at a block offset,
                // so the cut is where copying would have put it.
                try encode(UnsafeRawBufferPointer(rebasing: rest[..<Self.blockSize]), last: false)
                rest = UnsafeRawBufferPointer(rebasing: rest[Self.blockSize...])
                continue
            }
            let take = min(rest.count, Self.blockSize - blockCount)
            // `take` fits: blockCount + take <= blockSize, the block's size.
            (block.baseAddress! + blockCount).copyMemory(from: rest.baseAddress!, byteCount: take)
            blockCount += take
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if blockCount == Self.blockSize {
                blockCount = 0
                try encode(UnsafeRawBufferPointer(block), last: false)
            }
        }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        // `withUnsafeBytes` rethrows untyped errors: carry the typed one out by hand.
        let failure = bytes.withUnsafeBytes { raw -> OutputError? in
            do throws(OutputError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        let failure = text.withUTF8 { utf8 -> OutputError? in
            do throws(OutputError) { try write(UnsafeRawBufferPointer(utf8)) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Encodes what is buffered and ends the gzip stream; the file is complete only after this.
    /// An empty input still gets one (empty) member, so the file is valid gzip.
    public func finish() throws(OutputError) {
        guard !finished else { return }
        finished = true
        let rest = UnsafeRawBufferPointer(rebasing: block[..<blockCount])
        blockCount = 0
        try encode(rest, last: true)
    }

    private func encode(_ bytes: UnsafeRawBufferPointer, last: Bool) throws(OutputError) {
        switch encoder {
        case .isal(let batch):
            if !bytes.isEmpty || (last && membersWritten == 0) {
                try batch.add(bytes, to: sink)
                membersWritten += 1
            }
            if last { try batch.flush(to: sink) }
        case .zlib(let stream, let output):
            try deflate(stream, bytes, into: output, flush: last ? Z_FINISH : Z_NO_FLUSH)
        }
    }

    /// Wraps zlib's `deflate`: feeds `bytes` and writes every output block to the sink.
    private func deflate(
        _ stream: UnsafeMutablePointer<z_stream>, _ bytes: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer, flush: Int32
    ) throws(OutputError) {
        // zlib never writes through next_in; the mutable pointer is its API's spelling.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        repeat {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = CZlib.deflate(stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw .compression(path: sink.path, reason: "zlib deflate returned \(status)")
            }
            let produced = output.count - Int(stream.pointee.avail_out)
            try sink.write(UnsafeRawBufferPointer(rebasing: output[..<produced]))
            if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { break }
        } while true
    }
}

/// A file opened for writing, wrapping `open`/`write`/`close` with EINTR retries.
public final class FileSink {
    public let path: String
    private var descriptor: Int32

    public init(path: String) throws(OutputError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    /// Wraps `write(2)`, looping over short writes and retrying on EINTR.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        if let error = writeReportingError(bytes) { throw error }
    }

    func writeReportingError(_ bytes: UnsafeRawBufferPointer) -> OutputError? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        return nil
    }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        if let error = text.withUTF8({ writeReportingError(UnsafeRawBufferPointer($0)) }) { throw error }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        if let error = bytes.withUnsafeBytes({ writeReportingError($0) }) { throw error }
    }

    /// Asks the kernel to put the bytes written so far on disk (`fsync`), for a report that
    /// replaces an earlier one: without it, a crash soon after the swap can leave the new files
    /// empty (ext4 allocates their blocks later) with the old report already gone. Files that
    /// cannot be synced (a pipe, `/dev/null`) are fine as they are.
    public func sync() throws(OutputError) {
        guard descriptor >= 0, let failure = Durable.sync(descriptor) else { return }
        throw .cannotWrite(path: path, reason: String(cString: strerror(failure)))
    }

    /// Closes; errors from `close` (e.g. a full disk on NFS) are reported. Bytes reach the disk
    /// when the kernel writes them back, unless `sync` came first.
    public func close() throws(OutputError) {
        guard descriptor >= 0 else { return }
        let status = Glibc.close(descriptor)
        descriptor = -1
        guard status == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
}

/// Something went wrong while writing an output.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(path: String, reason: String)
    case cannotCreateFolder(path: String, reason: String)
    case compression(path: String, reason: String)
    case cannotPlace(path: String, reason: String)
    /// `--out` names a place the output must not replace (`OutputPlace`).
    case unusablePlace(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .cannotCreateFolder(let path, let reason): return "\(path): cannot create the folder: \(reason)"
        case .compression(let path, let reason): return "\(path): gzip compression failed: \(reason)"
        case .cannotPlace(let path, let reason): return "\(path): cannot move the finished output into place: \(reason)"
        case .unusablePlace(let path, let reason): return "--out '\(path)' cannot take the output: \(reason)"
        }
    }
}

/// Full blocks waiting for ISA-L, encoded `width` at a time on all cores and written in order.
/// Each member depends only on its block's bytes, so the file is the same bytes as encoding one
/// block at a time — `findings.csv.gz` of a run with many findings and `rate --out X.gz`
/// compress in a fraction of the serial time.
private final class MemberBatch {
    static let width = 4
    private let deflaters: [IsalDeflater]
    private let blocks: [UnsafeMutableRawBufferPointer]
    private var counts = [Int](repeating: 0, count: width)
    private var queued = 0

    init(level: Int32, path: String) throws(OutputError) {
        var deflaters: [IsalDeflater] = []
        for _ in 0..<Self.width { deflaters.append(try IsalDeflater(level: level, path: path)) }
        self.deflaters = deflaters
        blocks = (0..<Self.width).map { _ in .allocate(byteCount: GzipWriter.blockSize, alignment: 64) }
    }

    deinit { for block in blocks { block.deallocate() } }

    /// Queues one block (at most `blockSize` bytes); encodes the batch when it is full.
    func add(_ bytes: UnsafeRawBufferPointer, to sink: FileSink) throws(OutputError) {
        if !bytes.isEmpty { blocks[queued].baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        counts[queued] = bytes.count
        queued += 1
        if queued == Self.width { try flush(to: sink) }
    }

    /// Encodes every queued block, in parallel, and writes the members in queue order.
    func flush(to sink: FileSink) throws(OutputError) {
        guard queued > 0 else { return }
        let work = Work(deflaters: deflaters, blocks: blocks, counts: counts, path: sink.path)
        let results = TaskSlots<Result<UnsafeRawBufferPointer, OutputError>?>(count: queued, repeating: nil)
        queued = 0
        DispatchQueue.concurrentPerform(iterations: results.count) { index in
            let input = UnsafeRawBufferPointer(start: work.blocks[index].baseAddress, count: work.counts[index])
            do throws(OutputError) {
                results[index] = .success(try work.deflaters[index].member(input, path: work.path))
            } catch {
                results[index] = .failure(error)
            }
        }
        for result in results.elements {
            switch result {
            case .success(let member): try sink.write(member)
            case .failure(let error): throw error
            case .none: break
            }
        }
    }

    /// What the encoding tasks read: each uses only its own deflater, block and count.
    private struct Work: @unchecked Sendable {
        let deflaters: [IsalDeflater]
        let blocks: [UnsafeMutableRawBufferPointer]
        let counts: [Int]
        let path: String
    }
}
