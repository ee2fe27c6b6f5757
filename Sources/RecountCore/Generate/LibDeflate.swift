#if canImport(Glibc)
    import Glibc
#endif

/// libdeflate's gzip compressor, loaded at run time with `dlopen` when the system has it.
///
/// Generation is bound by deflate: zlib level 1 runs ~70–100 MB/s per core here, libdeflate
/// level 1 about twice that. Loading it at run time keeps it optional — no headers or link
/// flags, and machines without it fall back to zlib (`GzipWriter`). Each call compresses one
/// block into one complete gzip member; DESIGN §2 requires readers to take multi-member files.
final class LibDeflate {
    private typealias Alloc = @convention(c) (Int32) -> OpaquePointer?
    private typealias Free = @convention(c) (OpaquePointer?) -> Void
    private typealias Bound = @convention(c) (OpaquePointer?, Int) -> Int
    private typealias Compress =
        @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int

    private struct Symbols: @unchecked Sendable {
        let alloc: Alloc, free: Free, bound: Bound, compress: Compress
    }

    /// Resolved once; nil when `libdeflate.so.0` (or one of its symbols) is missing.
    private static let symbols: Symbols? = {
        guard let handle = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let alloc = dlsym(handle, "libdeflate_alloc_compressor"),
            let free = dlsym(handle, "libdeflate_free_compressor"),
            let bound = dlsym(handle, "libdeflate_gzip_compress_bound"),
            let compress = dlsym(handle, "libdeflate_gzip_compress")
        else { return nil }
        return Symbols(
            alloc: unsafeBitCast(alloc, to: Alloc.self), free: unsafeBitCast(free, to: Free.self),
            bound: unsafeBitCast(bound, to: Bound.self), compress: unsafeBitCast(compress, to: Compress.self))
    }()

    static var isAvailable: Bool { symbols != nil }

    private let symbols: Symbols
    private let compressor: OpaquePointer
    private var output: UnsafeMutableRawPointer
    private var outputCapacity = 0

    /// nil when libdeflate is not installed or cannot allocate a compressor.
    init?(level: Int32) {
        guard let symbols = Self.symbols, let compressor = symbols.alloc(level) else { return nil }
        self.symbols = symbols
        self.compressor = compressor
        output = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
    }

    deinit {
        symbols.free(compressor)
        output.deallocate()
    }

    /// One gzip member holding `bytes`; valid until the next call.
    func member(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let bound = symbols.bound(compressor, bytes.count)
        if bound > outputCapacity {
            output.deallocate()
            output = UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 16)
            outputCapacity = bound
        }
        // `bound` is libdeflate's worst case for this input, so compression cannot run out of room.
        let written = symbols.compress(compressor, bytes.baseAddress, bytes.count, output, outputCapacity)
        precondition(written > 0, "libdeflate_gzip_compress failed within its own bound")
        return UnsafeRawBufferPointer(start: output, count: written)
    }
}
