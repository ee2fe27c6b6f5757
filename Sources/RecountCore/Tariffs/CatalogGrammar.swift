/// The text grammars of catalog values (DESIGN.md §5a "Catalog defaults"). Each returns nil
/// for text outside its grammar; `YAMLFields+Values` words the error.
enum CatalogGrammar {
    /// Durations and byte counts above this are refused: far beyond any real tariff, and the
    /// bound keeps every rating product inside `Int128` (see `VoiceTariff`).
    static let maxSeconds: Int64 = 1_000_000_000
    static let maxBytes: Int64 = 1_000_000_000_000

    /// `60s`, `24h`, `1h30m`, `2m`, `1h2m3s` (units in h, m, s order, each at most once), or a
    /// bare integer of seconds.
    static func duration(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if let whole = integer(bytes[...]) { return whole }
        var total: Int64 = 0
        var number: Int64 = -1
        var lastUnit = 0  // 0 none, 1 h, 2 m, 3 s: units must come in this order
        for byte in bytes {
            if byte >= 48 && byte <= 57 {
                number = (number < 0 ? 0 : number) * 10 + Int64(byte - 48)
                if number > maxSeconds { return nil }
                continue
            }
            let (unit, scale): (Int, Int64)
            switch byte {
            case UInt8(ascii: "h"): (unit, scale) = (1, 3600)
            case UInt8(ascii: "m"): (unit, scale) = (2, 60)
            case UInt8(ascii: "s"): (unit, scale) = (3, 1)
            default: return nil
            }
            guard number >= 0, unit > lastUnit else { return nil }
            total += number * scale
            if total > maxSeconds { return nil }
            lastUnit = unit
            number = -1
        }
        return number < 0 ? total : nil
    }

    /// `[0-9]+`, at most 18 digits.
    static func integer(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }

    /// `HH:MM`, 00:00 through 24:00 (24:00 = end of the day).
    static func clock(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"), let hours = integer(bytes[0..<2]),
            let minutes = integer(bytes[3..<5]), minutes <= 59, hours < 24 || (hours == 24 && minutes == 0)
        else { return nil }
        return hours * 3600 + minutes * 60
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    static func date(_ text: String) -> Int64? {
        FieldDecoder.withBytes(text) { FieldDecoder.date($0) }
    }

    /// `Z` or `±HH:MM` as seconds east of UTC.
    static func timezone(_ text: String) -> Int64? {
        FieldDecoder.withBytes(text) { FieldDecoder.utcOffset($0) }
    }

    /// A destination prefix: digits only, possibly empty (matches every destination).
    static func isPrefix(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Why `text` is not an amount (`-?[0-9]+(\.[0-9]{1,6})?`), in words for the catalog author.
    static func amountProblem(_ text: String) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            parts[1].count > 6, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        {
            return "\"\(text)\" has more than 6 fractional digits"
        }
        return "\"\(text)\" is not an amount (digits, optionally a point and up to 6 fractional digits)"
    }

    static func formatSeconds(_ seconds: Int64) -> String { "\(seconds)s" }
}
