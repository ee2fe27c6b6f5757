#if canImport(Glibc)
    import Glibc
#endif

/// Zeroed memory for the duplicate index's big tables and blocks, mapped directly: `mmap`
/// returns it already zeroed, so nothing needs a clearing pass, and `munmap` gives it back at
/// once instead of leaving it to the allocator.
///
/// Which page size each use asks for was measured, not assumed. On this project's VMs the guest
/// hands freed memory back to the host in 2 MiB blocks (`virtio_balloon` free page reporting),
/// and a fresh 2 MiB page then costs far more than 512 fresh 4 KiB ones (a C program touching
/// 600 MB after 8 s idle: 318 MB/s with `MADV_HUGEPAGE`, 2.27 GB/s without). Memory that is
/// written once in order (entry blocks, reference slabs) is therefore mapped in small pages;
/// only the tables probed at random, which are also freed and mapped again within the run and
/// so meet warm memory, ask for huge pages (see README, "Fresh pages are a cost of their own").
enum PageMemory {
    static let hugePage = 2 << 20

    enum Paging {
        /// 2 MiB pages where the kernel can give them: fewer TLB misses for random probes.
        case huge
        /// The kernel's 4 KiB pages, whatever the system's transparent-huge-page default.
        case small
    }

    /// `byteCount` zeroed bytes, 2 MiB-aligned when at least that large; free with `deallocate`.
    static func allocate(byteCount: Int, paging: Paging) -> UnsafeMutableRawPointer {
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
        // Advice only: the memory works the same either way, only its cost differs.
        _ = madvise(memory, byteCount, paging == .huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)
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
