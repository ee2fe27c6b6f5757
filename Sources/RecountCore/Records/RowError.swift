/// Why one row was rejected: `column: what is wrong` (DESIGN.md §5 rejects.csv).
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let column: String
    public let reason: String

    public init(_ column: String, _ reason: String) {
        self.column = column
        self.reason = reason
    }

    public var description: String { "\(column): \(reason)" }

    static func wrongFieldCount(expected: Int, found: Int) -> RowError {
        RowError("row", "expected \(expected) fields, found \(found)")
    }
}

/// Shared checks for text columns.
enum TextField {
    @inline(__always)
    static func isDigits(_ field: UnsafeRawBufferPointer) -> Bool {
        for byte in field where byte &- 48 > 9 { return false }
        return true
    }

    static func describe(_ field: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: field.prefix(40), as: UTF8.self)
        return "'\(text)\(field.count > 40 ? "…" : "")'"
    }
}
