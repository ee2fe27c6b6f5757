import Glibc

/// Making a finished output survive a crash: a renamed file or folder is only as durable as the
/// folder that lists it, so after a rename the folder is synced too (the files themselves with
/// `FileSink.sync`, before).
enum Durable {
    /// Syncs a folder's entries (`fsync` of the folder). A file system that cannot sync a folder
    /// (`EINVAL`: some network and virtual ones) is taken as it is.
    static func syncFolder(_ path: String) throws(OutputError) {
        let folder = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw .cannotPlace(path: path, reason: String(cString: strerror(errno))) }
        defer { close(folder) }
        while fsync(folder) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == EROFS { return }
            throw .cannotPlace(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
