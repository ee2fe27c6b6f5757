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

    /// Lists each folder once, whatever number of paths (links) reach it, under the least of
    /// them in byte order: folders are taken from a queue least path first, so the first time
    /// a folder comes out is under its least path (a path only grows on the way down). Walking
    /// every path instead took time exponential in a chain of folders each linking twice to
    /// the next (22 such folders: 115 s); a link back to a folder already listed — a loop
    /// included — adds nothing.
    init(_ folder: String) throws(InputError) {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw .cannotOpen(file: folder, reason: String(cString: strerror(errno)))
        }
        var found: [(path: String, identity: Identity)] = []
        var pending = FolderQueue()
        var listed: Set<Identity> = []
        pending.push(folder, Identity(info))
        while let next = pending.pop() {
            guard listed.insert(next.identity).inserted else { continue }
            try Self.list(next.path, into: &found, pending: &pending, listed: listed)
        }
        // Byte order of the full path, so the order never depends on the locale.
        found.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var seen: Set<Identity> = []
        files = found.filter { seen.insert($0.identity).inserted }.map(\.path)
    }

    /// The folder's files into `found`, its subfolders not yet listed into `pending`.
    private static func list(
        _ folder: String, into found: inout [(path: String, identity: Identity)], pending: inout FolderQueue,
        listed: Set<Identity>
    ) throws(InputError) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .cannotOpen(file: folder, reason: "cannot list the folder (\(error.fileSystemReason))")
        }
        for name in entries.sorted() where !name.hasPrefix(".") {
            let path = FolderQueue.prefix(of: folder) + name
            var target = stat()
            guard stat(path, &target) == 0 else {
                throw .cannotOpen(file: path, reason: String(cString: strerror(errno)) + " (a broken link?)")
            }
            if target.st_mode & S_IFMT == S_IFDIR {
                if !listed.contains(Identity(target)) { pending.push(path, Identity(target)) }
            } else {
                found.append((path, Identity(target)))
            }
        }
    }

    /// Folders waiting to be listed, least first by the bytes their entries' paths start with
    /// (`folder/`): a binary heap.
    private struct FolderQueue {
        private var heap: [(key: [UInt8], path: String, identity: Identity)] = []

        static func prefix(of folder: String) -> String { folder.hasSuffix("/") ? folder : folder + "/" }

        mutating func push(_ path: String, _ identity: Identity) {
            heap.append((Array(Self.prefix(of: path).utf8), path, identity))
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].key.lexicographicallyPrecedes(heap[parent].key) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> (path: String, identity: Identity)? {
            guard !heap.isEmpty else { return nil }
            heap.swapAt(0, heap.count - 1)
            let least = heap.removeLast()
            var parent = 0
            while true {
                var smallest = parent
                for child in [2 * parent + 1, 2 * parent + 2]
                where child < heap.count && heap[child].key.lexicographicallyPrecedes(heap[smallest].key) {
                    smallest = child
                }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
            return (least.path, least.identity)
        }
    }
}
