/// One generated output file: gzip-compressed (the default) or plain CSV (`--plain`).
///
/// Gzip goes through the shared `GzipWriter` at level 1: generation speed is bounded by deflate,
/// and level 1 is zlib's fastest setting that still compresses text about 3×.
final class DataFileWriter {
    let path: String
    private let sink: FileSink
    private let gzip: GzipWriter?

    init(path: String, compressed: Bool, level: Int32 = 1) throws(OutputError) {
        self.path = path
        sink = try FileSink(path: path)
        gzip = compressed ? try GzipWriter(sink: sink, level: level) : nil
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        if let gzip { try gzip.write(bytes) } else { try sink.write(bytes) }
    }

    func write(_ text: String) throws(OutputError) {
        if let gzip { try gzip.write(text) } else { try sink.write(text) }
    }

    /// Completes the gzip member (if any) and closes the file, reporting a failed close.
    func finish() throws(OutputError) {
        try gzip?.finish()
        try sink.close()
    }
}
