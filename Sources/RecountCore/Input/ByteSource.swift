#if canImport(Glibc)
    import Glibc
#endif

/// A file read front to back in large blocks, hashing (SHA-256) what it reads so the
/// report can name exactly which bytes were audited without a second pass.
final class ByteSource {
    let path: String
    private var descriptor: Int32
    private let hasher = SHA256Hasher()
    /// Bytes read so far: the compressed offset for error messages.
    private(set) var offset = 0
    private(set) var size: Int

    init(path: String) throws(InputError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        if fstat(descriptor, &info) == 0 {
            size = Int(info.st_size)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                Glibc.close(descriptor)
                descriptor = -1
                throw .cannotOpen(file: path, reason: "is a folder")
            }
        } else {
            size = 0
        }
        // The whole file is read once, in order: tell the kernel to read ahead aggressively.
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    /// Wraps `read(2)`, retrying on EINTR; returns 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 {
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                offset += count
                return count
            }
            if errno != EINTR { throw .readFailed(file: path, reason: String(cString: strerror(errno))) }
        }
    }

    /// Hex SHA-256 of every byte read; call after the last read.
    func finishDigest() -> String { hasher.finalizeHex() }
}
