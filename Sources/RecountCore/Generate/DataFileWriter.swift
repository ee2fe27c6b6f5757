/// One generated output file: gzip-compressed (the default) or plain CSV (`--plain`).
///
/// Gzip is level 1 of the chosen engine: ISA-L by default (one gzip member per 1 MiB of CSV,
/// ~330 MB/s per core), zlib with `--gzip zlib` (one member, ~70 MB/s). Either way the bytes
/// depend only on the content and the engine, never on the thread count.
final class DataFileWriter {
    let path: String
    private let sink: FileSink
    private let gzip: GzipWriter?

    init(path: String, compressed: Bool, engine: GzipEngine = .standard) throws(OutputError) {
        self.path = path
        sink = try FileSink(path: path)
        gzip = compressed ? try GzipWriter(sink: sink, engine: engine, level: 1) : nil
    }

    /// Callers pass whole blocks (`CSVRowWriter` flushes ~1 MiB at a time).
    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        if let gzip {
            try gzip.write(bytes)
        } else {
            try sink.write(bytes)
        }
    }

    /// Completes the gzip stream (if any) and closes the file, reporting a failed close.
    func finish() throws(OutputError) {
        try gzip?.finish()
        try sink.close()
    }
}
