#if canImport(Glibc)
    import Glibc
#endif

/// Zeroed memory for the duplicate index's big tables, mapped directly and marked for 2 MiB
/// pages. The index probes tables of hundreds of megabytes at random: with 4 KiB pages nearly
/// every probe also misses the TLB, and every fresh page costs a fault. `mmap` also returns the
/// memory already zeroed, so a new table needs no clearing pass.
enum HugePageMemory {
    static let hugePage = 2 << 20

    /// `byteCount` zeroed bytes, 2 MiB-aligned when at least that large; free with `deallocate`.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= hugePage else {
            let small = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
            small.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            return small
        }
        // Map a huge page more than needed, then unmap the unaligned head and the tail.
        let mapped = byteCount + hugePage
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            raw != MAP_FAILED
        else {
            fatalError("out of memory: could not map \(byteCount) bytes for the duplicate index")
        }
        let address = Int(bitPattern: raw)
        let aligned = (address + hugePage - 1) & ~(hugePage - 1)
        if aligned > address { munmap(raw, aligned - address) }
        let tail = address + mapped - (aligned + byteCount)
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + byteCount), tail) }
        let memory = UnsafeMutableRawPointer(bitPattern: aligned)!
        // Advice only: without transparent huge pages the memory works the same, just slower.
        _ = madvise(memory, byteCount, MADV_HUGEPAGE)
        return memory
    }

    static func deallocate(_ memory: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= hugePage {
            munmap(memory, byteCount)
        } else {
            memory.deallocate()
        }
    }
}
