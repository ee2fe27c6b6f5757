/// One generated output file: gzip-compressed (the default) or plain CSV (`--plain`).
///
/// Gzip is level 1: generation speed is bounded by deflate, and level 1 is the fastest setting
/// that still compresses these rows 3×. With `GzipEngine.automatic` libdeflate is used when the
/// system has it (one gzip member per ~1 MiB block), else zlib through `GzipWriter` (one member).
/// Either way the bytes depend only on the content and the engine, never on the thread count.
final class DataFileWriter {
    let path: String
    private let sink: FileSink
    private let gzip: GzipWriter?
    private let libdeflate: LibDeflate?

    init(path: String, compressed: Bool, engine: GzipEngine = .zlib, level: Int32 = 1) throws(OutputError) {
        self.path = path
        sink = try FileSink(path: path)
        libdeflate = compressed && engine == .automatic ? LibDeflate(level: level) : nil
        gzip = compressed && libdeflate == nil ? try GzipWriter(sink: sink, level: level) : nil
    }

    /// Callers pass whole blocks (`CSVRowWriter` flushes ~1 MiB at a time): with libdeflate each
    /// call becomes one gzip member.
    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        if let libdeflate {
            try sink.write(libdeflate.member(bytes))
        } else if let gzip {
            try gzip.write(bytes)
        } else {
            try sink.write(bytes)
        }
    }

    /// Completes the gzip member (if any) and closes the file, reporting a failed close.
    func finish() throws(OutputError) {
        try gzip?.finish()
        try sink.close()
    }
}

/// Which deflate implementation writes the `.gz` files.
public enum GzipEngine: String, Sendable, CaseIterable {
    /// libdeflate when installed (about twice as fast), else zlib.
    case automatic = "auto"
    /// zlib only: the same bytes wherever the same zlib is installed.
    case zlib
}
