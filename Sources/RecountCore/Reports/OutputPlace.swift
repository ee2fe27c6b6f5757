import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks, before a run reads anything, that its output may go where the user asked. An audit
/// replaces its `--out` folder whole and `rate` replaces its `--out` file, so a mistyped path
/// must never name the current folder, an input, the catalog or a folder of other files: those
/// would be deleted when the finished reports are swapped into place.
public enum OutputPlace {
    /// What an audit's report folder holds (DESIGN.md §5): the only files it may replace.
    public static let reportNames: Set<String> = ["summary.json", "findings.csv.gz", "refunds.csv", "rejects.csv"]

    /// An audit's `--out`: new, or a folder holding nothing but an earlier run's reports, and
    /// neither the working folder (or one holding it) nor one holding an input. Relative paths
    /// are taken from `working`.
    public static func checkReportFolder(
        _ path: String, inputs: [String], working: String = FileManager.default.currentDirectoryPath
    ) throws(OutputError) {
        guard !path.isEmpty else { throw .unusablePlace(path: path, reason: "the path is empty; give a folder") }
        let target = absolute(path, from: working)
        let working = absolute(working, from: "/")
        if working == target || isInside(working, target) {
            throw .unusablePlace(
                path: path, reason: "it is the current folder or holds it; give a new folder for the reports")
        }
        for input in inputs {
            let resolved = absolute(input, from: working)
            if resolved == target {
                throw .unusablePlace(path: path, reason: "it is an input of this run; give a folder for the reports")
            }
            if isInside(resolved, target) {
                throw .unusablePlace(
                    path: path, reason: "it holds an input of this run (\(input)); give another folder")
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw .unusablePlace(path: path, reason: "it is a file; --out takes a folder")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        if let other = names.sorted().first(where: { !reportNames.contains($0) }) {
            throw .unusablePlace(
                path: path,
                reason: "it holds \(other), which is not a Recount report, and the audit replaces the folder whole; "
                    + "give a new folder or one holding only an earlier run's reports")
        }
    }

    /// `rate`'s `--out`: not a folder, not a device, pipe or socket (the finished file is renamed
    /// over the path: as root, `--out /dev/full` replaced the device node), and not an input or
    /// the catalog. Relative paths are taken from `working`.
    public static func checkFile(
        _ path: String, inputs: [String], working: String = FileManager.default.currentDirectoryPath
    ) throws(OutputError) {
        guard !path.isEmpty else { throw .unusablePlace(path: path, reason: "the path is empty; give a file") }
        let target = absolute(path, from: working)
        var info = stat()
        if stat(target, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR { throw .unusablePlace(path: path, reason: "it is a folder; --out takes a file") }
            if type != S_IFREG {
                throw .unusablePlace(
                    path: path,
                    reason: "it is not a regular file (a device, pipe or socket); the output is written beside it "
                        + "and renamed over it, so give a file path")
            }
        }
        for input in inputs where absolute(input, from: working) == target {
            throw .unusablePlace(path: path, reason: "it is an input of this run; give another file")
        }
    }

    /// The path (relative ones from `working`) with every link resolved for the part that exists
    /// and `.`/`..` removed, so two spellings of one place compare equal.
    static func absolute(_ path: String, from working: String) -> String {
        let full = path.hasPrefix("/") ? path : working + "/" + path
        let standardized = URL(fileURLWithPath: full).standardizedFileURL.path
        // Resolve the longest existing prefix; the rest (a folder still to be made) is appended.
        var head = standardized
        var tail: [String] = []
        while !head.isEmpty, head != "/" {
            if let resolved = realpath(head, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return tail.isEmpty ? base : (base == "/" ? "" : base) + "/" + tail.reversed().joined(separator: "/")
            }
            let url = URL(fileURLWithPath: head)
            tail.append(url.lastPathComponent)
            head = url.deletingLastPathComponent().path
        }
        return standardized
    }

    /// Whether `path` lies below `folder` (both absolute).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
    }
}

extension OutputPlace {
    /// Makes `path` and every missing folder above it (`mkdir -p`). The first folder that cannot
    /// be made is named with the system's reason — `Not a directory` when a file is in the way,
    /// where Foundation's `createDirectory` says only "error 512".
    public static func makeFolders(_ path: String) throws(OutputError) {
        var made = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            made += "/" + component
            if mkdir(made, 0o755) != 0 && errno != EEXIST {
                throw .cannotCreateFolder(path: made, reason: String(cString: strerror(errno)))
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw .cannotCreateFolder(path: path, reason: "a file is in the way")
        }
    }
}
