/// Why `recount generate` could not write a data set.
public enum GeneratorError: Error, CustomStringConvertible {
    case invalidOption(String)
    case outputNotEmpty(path: String)
    case cannotCreateFolder(path: String, reason: String)
    case output(OutputError)
    /// The engine rejected the catalog the generator wrote: a generator bug, reported as such.
    case catalogRejected(String)
    /// The engine's rating contradicts what the generated catalog files (e.g. P01 not covering a call).
    case raterDisagrees(record: String, detail: String)

    /// DESIGN.md §6: 1 for a usage mistake (an option, a non-empty folder without --force), 2 when
    /// the set cannot be written (the file system) — and 2 for the generator's own bugs, which are
    /// not the user's usage either.
    public var exitStatus: Int32 {
        switch self {
        case .invalidOption, .outputNotEmpty: return 1
        case .cannotCreateFolder, .output, .catalogRejected, .raterDisagrees: return 2
        }
    }

    public var description: String {
        switch self {
        case .invalidOption(let reason): return reason
        case .outputNotEmpty(let path):
            return "\(path): the output folder exists and is not empty; choose another or pass --force to replace it"
        case .cannotCreateFolder(let path, let reason): return "\(path): cannot create the folder: \(reason)"
        case .output(let error): return error.description
        case .catalogRejected(let reason):
            return "the engine rejected the generated catalog (a generator bug, please report it): \(reason)"
        case .raterDisagrees(let record, let detail):
            return "\(record): the rating engine disagrees with the generated catalog: \(detail)"
        }
    }
}
