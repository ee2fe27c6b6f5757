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
        if let failure = sync(folder) { throw .cannotPlace(path: path, reason: String(cString: strerror(failure))) }
    }

    /// `fsync` of an open file or folder, retried when interrupted; nil when done, or when what
    /// it names cannot be synced (`EINVAL`: a pipe, `/dev/null`, some network and virtual file
    /// systems; `EROFS`), else the `errno`.
    static func sync(_ descriptor: Int32) -> Int32? {
        while fsync(descriptor) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == EROFS { return nil }
            return errno
        }
        return nil
    }
}
