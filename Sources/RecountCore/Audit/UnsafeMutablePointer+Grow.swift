extension UnsafeMutablePointer {
    /// A new buffer of `capacity` elements holding this one's first `count`, moved (not copied:
    /// nothing retained or released); this buffer is freed. The growth step of the raw buffers
    /// the hot paths append to without an array's per-append checks.
    func movedToNew(capacity: Int, count: Int) -> UnsafeMutablePointer<Pointee> {
        let new = UnsafeMutablePointer<Pointee>.allocate(capacity: capacity)
        new.moveInitialize(from: self, count: count)
        deallocate()
        return new
    }
}
