/// The four kinds of record file a command reads (DESIGN.md §2.1–2.4).
public enum RecordKind: String, Sendable, CaseIterable, Comparable {
    case usage
    case charge
    case subscription
    case provider

    /// Columns every file of this kind must have, in DESIGN.md's order.
    public var requiredColumns: [String] {
        switch self {
        case .usage:
            return [
                "record_id", "account", "plan", "service", "start", "duration_s", "volume_bytes", "destination",
                "billed_quantity", "billed_amount",
            ]
        case .charge:
            return ["item_id", "account", "code", "amount", "charged_at", "provider", "service_code"]
        case .subscription:
            return ["account", "provider", "service_code", "ordered_at", "confirmed_at", "cancelled_at", "channel"]
        case .provider:
            return ["provider", "name", "licence", "valid_from", "valid_to"]
        }
    }

    /// Columns read when present.
    public var optionalColumns: [String] {
        switch self {
        case .usage, .charge: return ["cycle"]
        case .subscription, .provider: return []
        }
    }

    /// The command-line flag that names files of this kind.
    public var flag: String {
        switch self {
        case .usage: return "--usage"
        case .charge: return "--charges"
        case .subscription: return "--subscriptions"
        case .provider: return "--providers"
        }
    }

    public static func < (lhs: RecordKind, rhs: RecordKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where each column of a kind sits in one file's header.
public struct ColumnLayout: Sendable, Equatable {
    public let kind: RecordKind
    /// Number of fields every record of the file must have.
    public let fieldCount: Int
    /// Field index of each required column, in `kind.requiredColumns` order.
    public let required: [Int]
    /// Field index of each optional column (nil when the file lacks it).
    public let optional: [Int?]
    /// The header's names, for messages.
    public let names: [String]

    /// Reads a header record's bytes (BOM already removed).
    public init(kind: RecordKind, header: [UInt8], file: String) throws(InputError) {
        let scanner = CSVScanner(capacity: 4096)
        var names: [String] = []
        var failure: String?
        header.withUnsafeBytes { bytes in
            scanner.reset(bytes)
            switch scanner.next() {
            case .record:
                guard scanner.fieldCount <= scanner.capacity else {
                    failure = "more than \(scanner.capacity) columns"
                    return
                }
                names = (0..<scanner.fieldCount).map { String(decoding: scanner.field($0), as: UTF8.self) }
            case .malformed(let reason): failure = reason
            case .blank, .end: failure = "the header row is empty"
            }
        }
        if let failure { throw .malformedHeader(file: file, reason: failure) }
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if positions[name] != nil { throw .duplicateColumn(file: file, column: name) }
            positions[name] = index
        }
        let missing = kind.requiredColumns.filter { positions[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(file: file, columns: missing) }
        self.kind = kind
        fieldCount = names.count
        required = kind.requiredColumns.map { positions[$0]! }
        optional = kind.optionalColumns.map { positions[$0] }
        self.names = names
    }
}
