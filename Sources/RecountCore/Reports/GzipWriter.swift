import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a gzip file through zlib's `deflate` (one member), buffering input.
///
/// Each write goes to the file descriptor it was given; the caller owns atomic placement
/// (write to a temporary path, then rename).
public final class GzipWriter {
    private let stream: UnsafeMutablePointer<z_stream>
    private let sink: FileSink
    private var input: [UInt8] = []
    private var output: [UInt8]
    private var finished = false
    private let inputLimit = 1 << 20

    /// `level` 1 is zlib's fastest; 6 its default.
    public init(sink: FileSink, level: Int32 = 6) throws(OutputError) {
        self.sink = sink
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = [UInt8](repeating: 0, count: 1 << 18)
        input.reserveCapacity(inputLimit)
        // windowBits 15 + 16 asks zlib for a gzip header and trailer.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .compression(path: sink.path, code: status) }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        input.append(contentsOf: bytes)
        if input.count >= inputLimit { try deflateInput(flush: Z_NO_FLUSH) }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        input.append(contentsOf: bytes)
        if input.count >= inputLimit { try deflateInput(flush: Z_NO_FLUSH) }
    }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        text.withUTF8 { input.append(contentsOf: $0) }
        if input.count >= inputLimit { try deflateInput(flush: Z_NO_FLUSH) }
    }

    /// Flushes the last block and the gzip trailer; the file is complete only after this.
    public func finish() throws(OutputError) {
        guard !finished else { return }
        finished = true
        try deflateInput(flush: Z_FINISH)
    }

    /// Wraps `deflate`: feeds the buffered input and writes every output block to the sink.
    private func deflateInput(flush: Int32) throws(OutputError) {
        let path = sink.path
        var failure: OutputError?
        input.withUnsafeMutableBytes { inputBytes in
            output.withUnsafeMutableBytes { outputBytes in
                stream.pointee.next_in = inputBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(inputBytes.count)
                repeat {
                    stream.pointee.next_out = outputBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(outputBytes.count)
                    let status = deflate(stream, flush)
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        failure = .compression(path: path, code: status)
                        return
                    }
                    let produced = outputBytes.count - Int(stream.pointee.avail_out)
                    if let error = sink.writeReportingError(UnsafeRawBufferPointer(rebasing: outputBytes[0..<produced])) {
                        failure = error
                        return
                    }
                    if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { break }
                } while true
            }
        }
        input.removeAll(keepingCapacity: true)
        if let failure { throw failure }
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

    /// Flushes to disk and closes; errors from `close` (e.g. a full disk on NFS) are reported.
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
    case compression(path: String, code: Int32)
    case cannotPlace(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .compression(let path, let code): return "\(path): gzip compression failed (zlib code \(code))"
        case .cannotPlace(let path, let reason): return "\(path): cannot move the finished output into place: \(reason)"
        }
    }
}
