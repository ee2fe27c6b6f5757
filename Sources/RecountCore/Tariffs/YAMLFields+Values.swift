import Yams

/// Typed catalog values read from a mapping's fields, each with a reason a catalog author can
/// act on when the text is outside the value's grammar.
extension YAMLFields {
    /// A non-negative amount read exactly with the Money grammar (never a binary float).
    func amount(_ key: String) throws(CatalogError) -> Money? {
        guard let text = try text(key) else { return nil }
        guard let money = Money(text) else { throw error(key, CatalogGrammar.amountProblem(text)) }
        guard money.micros >= 0 else { throw error(key, "must not be negative") }
        return money
    }

    /// Seconds from `60s`, `24h`, `1h30m` or a bare integer.
    func duration(_ key: String) throws(CatalogError) -> Int64? {
        guard let text = try text(key) else { return nil }
        guard let seconds = CatalogGrammar.duration(text) else {
            throw error(
                key,
                "\"\(text)\" is not a duration (like 60s, 24h, 1h30m, or whole seconds; at most "
                    + "\(CatalogGrammar.maxSeconds)s)")
        }
        return seconds
    }

    /// A duration that must be greater than zero (increments and `per`).
    func positiveDuration(_ key: String) throws(CatalogError) -> Int64 {
        _ = try required(key)
        let seconds = try duration(key) ?? 0
        guard seconds > 0 else { throw error(key, "must be greater than zero") }
        return seconds
    }

    /// A whole number of bytes greater than zero (data `increment` and `per`).
    func positiveBytes(_ key: String) throws(CatalogError) -> Int64 {
        let text = try requiredText(key)
        guard let bytes = CatalogGrammar.integer(Array(text.utf8)[...]), bytes <= CatalogGrammar.maxBytes else {
            throw error(key, "\"\(text)\" is not a whole number of bytes (at most \(CatalogGrammar.maxBytes))")
        }
        guard bytes > 0 else { throw error(key, "must be greater than zero") }
        return bytes
    }

    func date(_ key: String) throws(CatalogError) -> Int64? {
        guard let text = try text(key) else { return nil }
        guard let day = CatalogGrammar.date(text) else {
            throw error(key, "\"\(text)\" is not a date (YYYY-MM-DD)")
        }
        return day
    }

    func clock(_ key: String) throws(CatalogError) -> Int64? {
        guard let text = try text(key) else { return nil }
        guard let second = CatalogGrammar.clock(text) else {
            throw error(key, "\"\(text)\" is not a time of day (HH:MM, 00:00 to 24:00)")
        }
        return second
    }

    func bool(_ key: String) throws(CatalogError) -> Bool? {
        guard let text = try text(key) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw error(key, "\"\(text)\" is not true or false")
        }
    }

    /// A filing number: present and non-empty, else the plan or item is not filed. `what`: `a plan`.
    func approval(_ what: String) throws(CatalogError) -> String {
        let hint = "\(what) without a filing number is not filed"
        let text = try requiredText("approval", hint: hint)
        guard !text.isBlank else { throw error("approval", "empty approval (\(hint))") }
        return text
    }

    /// Non-empty text (ids, codes, currency).
    func name(_ key: String) throws(CatalogError) -> String {
        let text = try requiredText(key)
        guard !text.isBlank else { throw error(key, "must not be empty") }
        return text
    }

    /// `destinations`: a non-empty list of digit prefixes (`""` matches any).
    func destinations() throws(CatalogError) -> [String] {
        let items = try list("destinations")
        guard optional("destinations") != nil else {
            throw Self.error(
                file, path, node, "missing field \"destinations\" (use [\"\"] to match every destination)")
        }
        guard !items.isEmpty else {
            throw error("destinations", "must list at least one prefix (use [\"\"] to match every destination)")
        }
        var prefixes: [String] = []
        for (itemPath, item) in items {
            guard let text = item.scalar?.string, CatalogGrammar.isPrefix(text) else {
                throw Self.error(
                    file, itemPath, item, "a destination prefix must be digits only (\"\" matches every destination)")
            }
            prefixes.append(text)
        }
        return prefixes
    }
}

extension String {
    fileprivate var isBlank: Bool { allSatisfy { $0 == " " || $0 == "\t" } }
}
