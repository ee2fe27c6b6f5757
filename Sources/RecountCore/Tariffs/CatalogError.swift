/// Why a tariff catalog was not loaded. Every case names the file; problems inside the YAML
/// also name the YAML path (`plans[3].voice[0].steps[1].increment`) and the line, so the
/// person who filed the tariff can find and fix it.
public enum CatalogError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The text is not well-formed YAML (libyaml's own explanation).
    case syntax(file: String, line: Int, reason: String)
    /// A field is missing, unknown, malformed, or makes the catalog ambiguous.
    /// `path` is empty for problems with the document as a whole.
    case invalid(file: String, path: String, line: Int, reason: String)

    /// `FILE: YAML.PATH: reason (line N)`.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): \(reason)"
        case .syntax(let file, let line, let reason):
            return "\(file): YAML syntax: \(reason)" + (line > 0 ? " (line \(line))" : "")
        case .invalid(let file, let path, let line, let reason):
            return "\(file): " + (path.isEmpty ? "" : "\(path): ") + reason + (line > 0 ? " (line \(line))" : "")
        }
    }
}
