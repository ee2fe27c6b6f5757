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
    /// Every byte `0`–`9` (true for empty). Eight bytes at a time, the last word overlapping:
    /// destinations are a dozen digits on every usage row.
    @inline(__always)
    static func isDigits(_ field: UnsafeRawBufferPointer) -> Bool {
        let count = field.count
        guard count >= 8, let base = field.baseAddress else {
            for byte in field where byte &- 48 > 9 { return false }
            return true
        }
        var index = 0
        while index &+ 8 < count {
            if !DigitLanes.all(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return false }
            index &+= 8
        }
        return DigitLanes.all(base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }

    static func describe(_ field: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: field.prefix(40), as: UTF8.self)
        return "'\(text)\(field.count > 40 ? "…" : "")'"
    }
}
