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
/// alike, with a date or a switch name), then either a letter and ten digits (`numbered`) or a
/// version-4-shaped UUID in lowercase hex (`uuid`, as FreeSWITCH and many billing systems
/// write ids), fixed width either way. Each is a one-to-one function of (kind, record number),
/// so planted duplicates share an id and no two other records do.
struct RecordID: Sendable {
    typealias Format = RecordIDFormat

    static let digits = 10
    /// Bytes the prefix may have.
    static let maxPrefixBytes = 32

    let prefix: [UInt8]
    let format: Format

    init(prefix: String = "", format: Format = .numbered) {
        self.prefix = Array(prefix.utf8)
        self.format = format
    }

    /// Whether `prefix` can start every id: printable ASCII but `,` and `"` (so ids need no CSV
    /// quoting and stay plain text for every tool), at most `maxPrefixBytes`.
    static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= maxPrefixBytes
            && prefix.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != 0x2c && $0 != 0x22 }
    }

    func write(_ kind: RecordKind, _ number: Int64, to writer: CSVRowWriter) {
        if !prefix.isEmpty { writer.bytes(prefix) }
        switch format {
        case .numbered:
            writer.byte(kind == .usage ? UInt8(ascii: "U") : UInt8(ascii: "C"))
            writer.padded(number, width: Self.digits)
        case .uuid, .uuidUpper:
            Self.withUUIDText(Self.uuid(kind, number), letters: format.letters) { writer.bytes($0) }
        }
    }

    func text(_ kind: RecordKind, _ number: Int64) -> String {
        switch format {
        case .numbered:
            let digitsText = String(number)
            return String(decoding: prefix, as: UTF8.self) + (kind == .usage ? "U" : "C")
                + String(repeating: "0", count: max(0, Self.digits - digitsText.count)) + digitsText
        case .uuid, .uuidUpper:
            return String(decoding: prefix, as: UTF8.self)
                + Self.withUUIDText(Self.uuid(kind, number), letters: format.letters) {
                    String(decoding: $0, as: UTF8.self)
                }
        }
    }

    /// Integers whose order is the order of the ids' texts among one kind's ids: fixed width
    /// after a shared prefix, so the number itself, or the UUID's two halves (lowercase hex
    /// digits sort as their values).
    func sortKey(_ kind: RecordKind, _ number: Int64) -> (UInt64, UInt64) {
        switch format {
        case .numbered: return (UInt64(number), 0)
        case .uuid, .uuidUpper: return Self.uuid(kind, number)
        }
    }

    /// The UUID's 128 bits as (first half, second half). `a`, a bijective mix of the number, is
    /// kept whole — 60 of its bits in the first half around the version nibble (4), its other 4
    /// in the second half after the variant bits (10) — so different numbers never share a UUID;
    /// the other 58 bits are a mix of `a`.
    static func uuid(_ kind: RecordKind, _ number: Int64) -> (UInt64, UInt64) {
        let a = mix(UInt64(bitPattern: number) ^ (kind == .usage ? 0x5DEE_CE66_D1CE_4E5B : 0x2545_F491_4F6C_DD1D))
        let high = (a & ~0xF000) | 0x4000
        let low = 1 << 63 | ((a >> 12) & 0xF) << 58 | (mix(a ^ 0x9E37_79B9_7F4A_7C15) & ((1 << 58) - 1))
        return (high, low)
    }

    /// SplitMix64's finalizer: a bijection of 64-bit integers (xor-shifts and odd multipliers).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The canonical text of the UUID (`UUIDText`), its hex letters in `letters`' case.
    static func withUUIDText<Result>(
        _ uuid: (UInt64, UInt64), letters: UUIDText.Letters = .lower, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(byteCount: UUIDText.length, alignment: 2) { text in
            UUIDText.write(uuid, to: text.baseAddress!, letters: letters)
            return body(UnsafeRawBufferPointer(text))
        }
    }
}

/// How generated record_ids and item_ids are written after their prefix (`--id-format`):
/// `numbered` (`U0000000042`), `uuid` (`3f2b…-…`, a version-4-shaped UUID) or `uuid-upper` (the
/// same UUID in uppercase hex, as some switches and Windows-based systems write them).
public enum RecordIDFormat: String, Sendable, CaseIterable {
    case numbered, uuid
    case uuidUpper = "uuid-upper"

    /// The case of a UUID format's hex letters.
    var letters: UUIDText.Letters { self == .uuidUpper ? .upper : .lower }
}
