#if canImport(Glibc)
    import Glibc
#endif

/// The streaming buffers' memory — chunks, the chunker's carry, the inflater's input — mapped
/// directly instead of taken from malloc. Each file being read takes a few MiB of them and gives
/// them back when it ends. From malloc, once glibc's dynamic mmap threshold had risen past their
/// size, they came from its arena heaps, which small long-lived allocations then pinned: the
/// address space grew by ~1 MB per file read and was never given back (60,000 small files:
/// 85 GB of virtual memory; under `ulimit -v 8G` a run aborted from ~10,000 files). Resident
/// memory is the same either way; mapped memory goes back to the system when freed.
enum MappedMemory {
    /// `byteCount` bytes (at least one), page-aligned, zeroed; free with `deallocate`.
    static func allocate(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let count = max(byteCount, 1)
        guard let raw = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            raw != MAP_FAILED
        else {
            fatalError("out of memory: could not map \(count) bytes for a stream buffer")
        }
        return UnsafeMutableRawBufferPointer(start: raw, count: count)
    }

    static func deallocate(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { munmap(base, buffer.count) }
    }
}
