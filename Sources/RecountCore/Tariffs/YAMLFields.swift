import Yams

/// One YAML mapping of the catalog, checked against the fields it may have, with accessors
/// that turn every problem into a `CatalogError` naming the field's YAML path and line.
struct YAMLFields {
    let file: String
    let path: String
    let node: Node
    private var values: [String: Node] = [:]

    /// `what` names the mapping in messages (`a voice rule` → "a voice rule takes only …").
    init(_ node: Node, path: String, allowed: [String], what: String, file: String) throws(CatalogError) {
        self.file = file
        self.path = path
        self.node = node
        guard let mapping = node.mapping else {
            throw YAMLFields.error(file, path, node, "expected \(what) (a mapping of fields)")
        }
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw YAMLFields.error(file, path, key, "field names must be plain text")
            }
            if let original = YAMLDocument.duplicateOf(name) {
                let other = mapping.first { $0.key.scalar?.string == original }?.key
                let lines = [key.mark?.line ?? 0, other?.mark?.line ?? 0].sorted()
                throw YAMLFields.error(
                    file, YAMLFields.join(path, original), nil,
                    "duplicate key \"\(original)\" (first at line \(lines[0]))", line: lines[1])
            }
            guard allowed.contains(name) else {
                throw YAMLFields.error(
                    file, YAMLFields.join(path, name), key,
                    "unknown field (\(what) takes only \(allowed.joined(separator: ", ")))")
            }
            values[name] = value
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    static func error(_ file: String, _ path: String, _ node: Node?, _ reason: String, line: Int? = nil)
        -> CatalogError
    {
        .invalid(file: file, path: path, line: line ?? node?.mark?.line ?? 0, reason: reason)
    }

    func path(_ key: String) -> String { Self.join(path, key) }

    func error(_ key: String, _ reason: String) -> CatalogError {
        Self.error(file, path(key), values[key] ?? node, reason)
    }

    /// The value of `key`, or nil when absent or written as null (`~`, `null`, nothing).
    func optional(_ key: String) -> Node? {
        guard let value = values[key] else { return nil }
        if case .scalar(let scalar) = value, scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            return nil
        }
        return value
    }

    func required(_ key: String, hint: String = "") throws(CatalogError) -> Node {
        guard let value = optional(key) else {
            throw Self.error(file, path, node, "missing field \"\(key)\"" + (hint.isEmpty ? "" : " (\(hint))"))
        }
        return value
    }

    /// The scalar text of `key` (any YAML scalar: `0.20`, `+08:00` and `2012-01-01` stay text).
    func text(_ key: String) throws(CatalogError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let scalar = value.scalar else { throw error(key, "expected a single value, not a list or mapping") }
        return scalar.string
    }

    func requiredText(_ key: String, hint: String = "") throws(CatalogError) -> String {
        _ = try required(key, hint: hint)
        return try text(key) ?? ""
    }

    /// The items of the list at `key` (absent or null = empty), each with its YAML path.
    func list(_ key: String) throws(CatalogError) -> [(path: String, node: Node)] {
        guard let value = optional(key) else { return [] }
        guard case .sequence(let sequence) = value else { throw error(key, "expected a list") }
        return sequence.enumerated().map { ("\(path(key))[\($0.offset)]", $0.element) }
    }
}
