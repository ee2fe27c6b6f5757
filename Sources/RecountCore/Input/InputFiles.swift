import Foundation

/// Expands the paths given for one kind of input into files, in the order that decides which
/// copy of a duplicate is the original: paths as given; a folder's files in sorted path order,
/// recursively, skipping names that start with `.`.
public enum InputFiles {
    public static func expand(_ kind: RecordKind, _ paths: [String]) throws(InputError) -> [InputFile] {
        var files: [InputFile] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw .notFound(path: path)
            }
            if isFolder.boolValue {
                files += folderFiles(path).map { InputFile(kind: kind, path: $0) }
            } else {
                files.append(InputFile(kind: kind, path: path))
            }
        }
        return files
    }

    private static func folderFiles(_ folder: String) -> [String] {
        var found: [String] = []
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in entries where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue { found += folderFiles(path) } else { found.append(path) }
        }
        // Byte order of the full path, so the order never depends on the locale.
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
