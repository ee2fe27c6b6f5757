import Yams

/// Composes catalog YAML into Yams `Node`s (scalars stay text: nothing is read as `Double`)
/// and turns Yams' errors into `CatalogError`s with the file and line.
///
/// Duplicate keys: Yams rejects them while composing, before any tree exists, so it cannot
/// say where in the catalog they are. We rename the first occurrence to a marked key and
/// compose again; `YAMLFields` then reports the duplicate with its full YAML path and lines.
enum YAMLDocument {
    static let duplicateMarker = "__recount_duplicate"

    static func compose(_ yaml: String, file: String) throws(CatalogError) -> Node? {
        var text = yaml
        for attempt in 0..<32 {
            do {
                return try Yams.compose(yaml: text)
            } catch let error as YamlError {
                guard case .duplicatedKeysInMapping(let keys, let context) = error else {
                    throw syntaxError(error, file: file)
                }
                let key = keys.first ?? ""
                guard let renamed = mark(text, at: context.mark, with: "\(duplicateMarker)\(attempt)__") else {
                    throw .invalid(
                        file: file, path: "", line: context.mark.line, reason: "duplicate key \"\(key)\"")
                }
                text = renamed
            } catch {
                throw .syntax(file: file, line: 0, reason: "\(error)")
            }
        }
        throw .invalid(file: file, path: "", line: 0, reason: "too many duplicate keys")
    }

    /// The original key name of a marked duplicate key, or nil for an ordinary key.
    static func duplicateOf(_ key: String) -> String? {
        guard key.hasPrefix(duplicateMarker) else { return nil }
        let rest = key.dropFirst(duplicateMarker.count).drop(while: { $0.isNumber })
        return rest.hasPrefix("__") ? String(rest.dropFirst(2)) : nil
    }

    /// Inserts `marker` at the start of the key at `mark` (inside its quotes if quoted).
    private static func mark(_ text: String, at mark: Mark, with marker: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = lines[mark.line - 1]
        let scalars = line.unicodeScalars
        guard var index = scalars.index(scalars.startIndex, offsetBy: mark.column - 1, limitedBy: scalars.endIndex),
            index < scalars.endIndex
        else { return nil }
        if scalars[index] == "\"" || scalars[index] == "'" { index = scalars.index(after: index) }
        var marked = String.UnicodeScalarView(scalars[..<index])
        marked.append(contentsOf: marker.unicodeScalars)
        marked.append(contentsOf: scalars[index...])
        lines[mark.line - 1] = String(marked)
        return lines.joined(separator: "\n")
    }

    private static func syntaxError(_ error: YamlError, file: String) -> CatalogError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            return .syntax(file: file, line: mark.line, reason: problem + during)
        case .reader(let problem, _, _, _):
            return .syntax(file: file, line: 0, reason: problem)
        default:
            return .syntax(file: file, line: 0, reason: error.description)
        }
    }
}
