/// `answer-key.csv`: every planted error, `kind,record_id,rule,overcharge,refund`.
///
/// Rows sort by kind, record id, then rule (a record id can appear twice: an original with its
/// own planted error and its repeat, planted as `duplicate-charge`). Undercharges are listed with
/// overcharge and refund 0: they are planted and `recount audit` reports them, without a refund.
public struct AnswerKey: Sendable {
    public private(set) var entries: [AnswerEntry]

    public init(entries: [AnswerEntry]) {
        self.entries = entries.sorted {
            ($0.kind.rawValue, $0.recordNumber, $0.rule, $0.overcharge) < (
                $1.kind.rawValue, $1.recordNumber, $1.rule, $1.overcharge
            )
        }
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

    func write(to writer: CSVRowWriter, fractionDigits: Int, refundFactor: Int64) throws(OutputError) {
        writer.bytes(Array(Self.header.utf8))
        for entry in entries {
            writer.bytes(Array(entry.kind.rawValue.utf8))
            writer.comma()
            RecordID.write(entry.kind, entry.recordNumber, to: writer)
            writer.comma()
            writer.bytes(Array(entry.rule.rawValue.utf8))
            writer.comma()
            writer.money(entry.overcharge, fractionDigits: fractionDigits)
            writer.comma()
            writer.money(Money(micros: entry.overcharge.micros * refundFactor), fractionDigits: fractionDigits)
            try writer.endRow()
        }
        try writer.finish()
    }
}
