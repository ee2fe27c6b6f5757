#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole catalog file with POSIX calls, so a missing file reports `strerror`'s short
/// reason rather than a Foundation error dump.
enum CatalogFile {
    /// Wraps `open(2)`/`read(2)` (retrying on `EINTR`); the bytes must be UTF-8.
    static func read(_ path: String) throws(CatalogError) -> String {
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .unreadable(file: path, reason: "cannot open: " + lastError()) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: "cannot read: " + lastError())
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(file: path, reason: "not UTF-8 text")
        }
        return text
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.read(fd, buffer, count)
        #else
            return Darwin.read(fd, buffer, count)
        #endif
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
