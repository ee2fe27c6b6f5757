import CIsal

/// ISA-L's igzip deflate, one complete gzip member per call.
///
/// Wraps `recount_isal_gzip_member` (the C shim over `isal_deflate` with `IGZIP_GZIP`,
/// `NO_FLUSH` and `end_of_stream` set with the last input): igzip's stream state holds arrays
/// Swift would import as huge tuples, so the shim owns it behind an opaque handle. The header has
/// MTIME 0 and no name, so equal input always gives equal bytes.
final class IsalDeflater {
    private let handle: OpaquePointer

    /// `level` 0 to 3 (igzip's range; 1 is the fast default). Throws when the level is out of
    /// range or the level buffer cannot be allocated.
    init(level: Int32, path: String) throws(OutputError) {
        guard (0...3).contains(level) else {
            throw .compression(path: path, reason: "ISA-L compression levels are 0 to 3, not \(level)")
        }
        guard let handle = recount_isal_deflater_create(level) else {
            throw .compression(path: path, reason: "out of memory for the ISA-L deflate state")
        }
        self.handle = handle
    }

    deinit { recount_isal_deflater_destroy(handle) }

    /// One gzip member holding `bytes`; the returned bytes are valid until the next call.
    func member(_ bytes: UnsafeRawBufferPointer, path: String) throws(OutputError) -> UnsafeRawBufferPointer {
        var member: UnsafePointer<UInt8>?
        var count = 0
        let status = recount_isal_gzip_member(
            handle, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &member, &count)
        guard status == 0 else {
            let reason = String(cString: recount_isal_deflate_error_reason(status))
            throw .compression(path: path, reason: "ISA-L: " + reason)
        }
        return UnsafeRawBufferPointer(start: member, count: count)
    }
}
