/// `answer-key.csv`: every planted error, `kind,record_id,rule,overcharge,refund`.
///
/// Rows sort by kind, record id, then rule (a record id can appear twice: an original with its
/// own planted error and its repeat, planted as `duplicate-charge`). Undercharges are listed with
/// overcharge and refund 0: they are planted and `recount audit` reports them, without a refund.
public struct AnswerKey: Sendable {
    public private(set) var entries: [AnswerEntry]

    public init(entries: [AnswerEntry]) { self.init(entries: entries, ids: RecordID()) }

    /// Sorted by the texts `ids` writes for the record numbers.
    init(entries: [AnswerEntry], ids: RecordID) {
        // Sorted on integer keys that order exactly as (kind text, record_id text — `RecordID.sortKey`
        // —, rule code text, overcharge): comparing the texts themselves was most of the serial
        // tail of a 10M-row run.
        let kindRank = Dictionary(
            uniqueKeysWithValues: RecordKind.allCases.sorted { $0.rawValue < $1.rawValue }.enumerated().map { ($1, $0) }
        )
        let ruleRank = Dictionary(uniqueKeysWithValues: PlantedRule.allCases.sorted().enumerated().map { ($1, $0) })
        var keyed = entries.map { entry in
            let id = ids.sortKey(entry.kind, entry.recordNumber)
            return (kind: kindRank[entry.kind]!, id: id.0, idLow: id.1, rule: ruleRank[entry.rule]!, entry: entry)
        }
        keyed.sort {
            ($0.kind, $0.id, $0.idLow, $0.rule, $0.entry.overcharge.micros)
                < ($1.kind, $1.id, $1.idLow, $1.rule, $1.entry.overcharge.micros)
        }
        self.entries = keyed.map(\.entry)
    }

    public static let header = "kind,record_id,rule,overcharge,refund\n"

    /// Planted rows per rule.
    public var counts: [PlantedRule: Int] {
        var counts: [PlantedRule: Int] = [:]
        for entry in entries { counts[entry.rule, default: 0] += 1 }
        return counts
    }

    /// Total refund owed at `refundFactor` (an integer factor: the catalog files 2).
    public func totalRefund(refundFactor: Int64) -> Money {
        Money(micros: entries.reduce(0) { $0 + $1.overcharge.micros } * refundFactor)
    }

    func write(to writer: CSVRowWriter, ids: RecordID, fractionDigits: Int, refundFactor: Int64) throws(OutputError) {
        writer.bytes(Array(Self.header.utf8))
        // Each code's bytes once, not an array per row.
        let kindBytes = Dictionary(uniqueKeysWithValues: RecordKind.allCases.map { ($0, Array($0.rawValue.utf8)) })
        let ruleBytes = Dictionary(uniqueKeysWithValues: PlantedRule.allCases.map { ($0, Array($0.rawValue.utf8)) })
        for entry in entries {
            writer.bytes(kindBytes[entry.kind]!)
            writer.comma()
            ids.write(entry.kind, entry.recordNumber, to: writer)
            writer.comma()
            writer.bytes(ruleBytes[entry.rule]!)
            writer.comma()
            writer.money(entry.overcharge, fractionDigits: fractionDigits)
            writer.comma()
            writer.money(Money(micros: entry.overcharge.micros * refundFactor), fractionDigits: fractionDigits)
            try writer.endRow()
        }
        try writer.finish()
    }
}
