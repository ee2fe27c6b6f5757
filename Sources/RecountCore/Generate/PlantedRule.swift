/// What the generator needs from a rating engine: the expected quantity and amount of a usage
/// record under the filed tariffs. The engine's `Rater` is the production implementation, so
/// clean rows are billed exactly what `recount audit` expects; tests may pass an oracle.
public protocol UsageRating: SendableMetatype {
    func rate(_ event: UsageEvent) -> Rating
}

extension Rater: UsageRating {}

/// The audit rules of DESIGN §4 the generator plants, with their stable codes.
public enum PlantedRule: String, CaseIterable, Sendable, Comparable {
    case duplicateCharge = "duplicate-charge"
    case unfiledTariff = "unfiled-tariff"
    case unansweredCharged = "unanswered-charged"
    case unitInflation = "unit-inflation"
    case rateInflation = "rate-inflation"
    case undercharge
    case unfiledItem = "unfiled-item"
    case itemOverpriced = "item-overpriced"
    case noSubscription = "no-subscription"
    case unconfirmedSubscription = "unconfirmed-subscription"
    case chargedAfterCancellation = "charged-after-cancellation"
    case unlicensedProvider = "unlicensed-provider"

    public static let usageRules: [PlantedRule] = [
        .duplicateCharge, .unfiledTariff, .unansweredCharged, .unitInflation, .rateInflation, .undercharge,
    ]
    public static let chargeRules: [PlantedRule] = [
        .unfiledItem, .itemOverpriced, .noSubscription, .unconfirmedSubscription, .chargedAfterCancellation,
        .unlicensedProvider,
    ]

    /// Answer-key rows sort by rule code text after kind and record id.
    public static func < (lhs: PlantedRule, rhs: PlantedRule) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One planted error: the answer key's row before formatting.
public struct AnswerEntry: Sendable, Equatable {
    /// `.usage` or `.charge` (the engine's `RecordKind`).
    public var kind: RecordKind
    /// The number in the record id (`U0000000042` → 42); ids are fixed width, so numeric order is byte order.
    public var recordNumber: Int64
    public var rule: PlantedRule
    /// Billed minus expected for refundable rules; 0 for `undercharge`.
    public var overcharge: Money
}

/// Record ids: an optional prefix the whole set shares (`--id-prefix`: real ids often start
/// alike, with a date or a switch name), a letter and ten digits, fixed width so that byte
/// order equals numeric order.
struct RecordID: Sendable {
    static let digits = 10
    /// Bytes the prefix may have.
    static let maxPrefixBytes = 32

    let prefix: [UInt8]

    init(prefix: String = "") { self.prefix = Array(prefix.utf8) }

    /// Whether `prefix` can start every id: printable ASCII but `,` and `"` (so ids need no CSV
    /// quoting and stay plain text for every tool), at most `maxPrefixBytes`.
    static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= maxPrefixBytes
            && prefix.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != 0x2c && $0 != 0x22 }
    }

    func write(_ kind: RecordKind, _ number: Int64, to writer: CSVRowWriter) {
        if !prefix.isEmpty { writer.bytes(prefix) }
        writer.byte(kind == .usage ? UInt8(ascii: "U") : UInt8(ascii: "C"))
        writer.padded(number, width: Self.digits)
    }

    func text(_ kind: RecordKind, _ number: Int64) -> String {
        let digitsText = String(number)
        return String(decoding: prefix, as: UTF8.self) + (kind == .usage ? "U" : "C")
            + String(repeating: "0", count: max(0, Self.digits - digitsText.count)) + digitsText
    }
}
