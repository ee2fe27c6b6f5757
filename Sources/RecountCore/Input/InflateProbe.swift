/// Inflate-only pass over a file, for benchmarks and diagnostics: the floor the streaming
/// path is measured against (same `ByteSource` + `Inflater` as every command).
public enum InflateProbe {
    /// Reads the whole file through the inflater; returns its decompressed size.
    public static func decompressedSize(
        of path: String, blockSize: Int = 4 << 20, engine: InflateEngine = .standard
    ) throws(InputError) -> Int {
        let inflater = try Inflater(source: ByteSource(path: path), engine: engine)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = try inflater.read(into: buffer)
            if count == 0 { return total }
            total += count
        }
    }
}
