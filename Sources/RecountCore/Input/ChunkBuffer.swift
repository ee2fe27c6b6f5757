/// A growable byte buffer that carries one chunk from the inflater to a worker.
///
/// Ownership moves with the chunk (producer → worker → back to its pool); it is never read
/// and written by two threads at once, hence `@unchecked Sendable`.
public final class ChunkBuffer: @unchecked Sendable {
    private(set) var storage: UnsafeMutableRawBufferPointer
    /// Bytes of the chunk proper (whole records).
    var count = 0

    init(capacity: Int) {
        storage = MappedMemory.allocate(byteCount: max(capacity, 16))
    }

    deinit { MappedMemory.deallocate(storage) }

    var capacity: Int { storage.count }

    /// Grows to at least `capacity`, keeping the first `keeping` bytes.
    func grow(to capacity: Int, keeping: Int) {
        guard capacity > storage.count else { return }
        let bigger = MappedMemory.allocate(byteCount: capacity)
        if keeping > 0 { bigger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: keeping) }
        MappedMemory.deallocate(storage)
        storage = bigger
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
}
