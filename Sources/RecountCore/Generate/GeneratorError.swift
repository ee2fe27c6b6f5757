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
