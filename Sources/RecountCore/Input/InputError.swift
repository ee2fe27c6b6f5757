/// Something is wrong with an input file: the run stops (DESIGN.md §6, exit status 2).
public enum InputError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    case readFailed(file: String, reason: String)
    case corruptGzip(file: String, compressedOffset: Int, reason: String)
    case truncatedGzip(file: String, compressedOffset: Int)
    case trailingGarbage(file: String, compressedOffset: Int)
    case emptyFile(file: String)
    case missingColumns(file: String, columns: [String])
    case duplicateColumn(file: String, column: String)
    case malformedHeader(file: String, reason: String)
    case recordTooLong(file: String, line: Int, limit: Int)
    case malformedRow(file: String, line: Int, reason: String)
    case tooManyRejects(file: String, line: Int, reason: String, limit: Int)
    case notFound(path: String)
    case tooManyChunks(file: String, limit: Int, chunkSize: Int)
    case tooManyRows(file: String, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): return "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason): return "\(file): read failed: \(reason)"
        case .corruptGzip(let file, let offset, let reason):
            return "\(file): corrupt gzip data at compressed byte \(offset): \(reason)"
        case .truncatedGzip(let file, let offset):
            return "\(file): gzip stream ends early at compressed byte \(offset) (truncated file?)"
        case .trailingGarbage(let file, let offset):
            return "\(file): data after the last gzip member at compressed byte \(offset) is not gzip"
        case .emptyFile(let file): return "\(file): empty file: a header row is required"
        case .missingColumns(let file, let columns):
            return "\(file):1: missing required column\(columns.count == 1 ? "" : "s"): "
                + columns.joined(separator: ", ")
        case .duplicateColumn(let file, let column): return "\(file):1: column '\(column)' appears more than once"
        case .malformedHeader(let file, let reason): return "\(file):1: malformed header: \(reason)"
        case .recordTooLong(let file, let line, let limit):
            return "\(file):\(line): record longer than \(limit) bytes (an unterminated quote?)"
        case .malformedRow(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .tooManyRejects(let file, let line, let reason, let limit):
            return "\(file):\(line): \(reason) (reject \(limit + 1) exceeds --max-rejects \(limit))"
        case .notFound(let path): return "\(path): no such file or folder"
        case .tooManyChunks(let file, let limit, let chunkSize):
            return "\(file): more than \(limit) chunks at --chunk-size \(chunkSize); use a larger --chunk-size"
        case .tooManyRows(let file, let limit):
            return "\(file): more than \(limit) rows in one chunk; use a smaller --chunk-size"
        }
    }
}
