import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Expands the paths given for one kind of input into files, in the order that decides which
/// copy of a duplicate is the original: paths as given; a folder's files in sorted path order,
/// recursively, skipping names that start with `.`.
///
/// A folder is walked as the set of files it holds: symbolic links are followed, except a link
/// back to a folder the walk is inside (a loop), and a file reached under two paths (links) is
/// read once, at the first of its paths in sorted order. Reading it twice would
/// make every record of the second copy a `duplicate-charge` with a refund. A broken link or a
/// folder that cannot be listed stops the run: its records would otherwise be missing unnoticed.
public enum InputFiles {
    public static func expand(_ kind: RecordKind, _ paths: [String]) throws(InputError) -> [InputFile] {
        var files: [InputFile] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw .notFound(path: path)
            }
            if isFolder.boolValue {
                files += try FolderWalk(path).files.map { InputFile(kind: kind, path: $0) }
            } else {
                files.append(InputFile(kind: kind, path: path))
            }
        }
        return files
    }
}

/// One folder argument's files (see `InputFiles`).
private struct FolderWalk {
    /// A file or folder as the file system knows it, whatever path reached it.
    private struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    private(set) var files: [String] = []
    /// The folders the walk is inside: a link to one of them is a loop.
    private var enclosing: Set<Identity> = []

    init(_ folder: String) throws(InputError) {
        var found: [(path: String, identity: Identity)] = []
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw .cannotOpen(file: folder, reason: String(cString: strerror(errno)))
        }
        try walk(folder, Identity(info), into: &found)
        // Byte order of the full path, so the order never depends on the locale.
        found.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var seen: Set<Identity> = []
        files = found.filter { seen.insert($0.identity).inserted }.map(\.path)
    }

    private mutating func walk(
        _ folder: String, _ identity: Identity, into found: inout [(path: String, identity: Identity)]
    ) throws(InputError) {
        guard enclosing.insert(identity).inserted else { return }
        defer { enclosing.remove(identity) }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .cannotOpen(file: folder, reason: "cannot list the folder (\(error.fileSystemReason))")
        }
        for name in entries.sorted() where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var target = stat()
            guard stat(path, &target) == 0 else {
                throw .cannotOpen(file: path, reason: String(cString: strerror(errno)) + " (a broken link?)")
            }
            if target.st_mode & S_IFMT == S_IFDIR {
                try walk(path, Identity(target), into: &found)
            } else {
                found.append((path, Identity(target)))
            }
        }
    }
}
