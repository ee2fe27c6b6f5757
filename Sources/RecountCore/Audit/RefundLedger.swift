/// The refund owed per (account, cycle): findings with an overcharge, and the overcharge sum;
/// the refund is `refund_factor × overcharge`, computed exactly when written. Merging two ledgers
/// adds their entries, in any grouping.
public struct RefundLedger: Sendable, Equatable, Codable {
    public struct Key: Hashable, Sendable, Codable {
        public var account: String
        public var cycle: Int32
    }

    public struct Entry: Sendable, Equatable, Codable {
        public var findings = 0
        public var overcharge = Money.zero
    }

    public private(set) var entries: [Key: Entry] = [:]

    public init() {}

    public init(_ findings: [Finding]) {
        for finding in findings { add(finding) }
    }

    public mutating func add(_ finding: Finding) {
        guard finding.overcharge > .zero else { return }
        let key = Key(account: finding.account, cycle: finding.cycle)
        entries[key, default: Entry()].findings += 1
        entries[key, default: Entry()].overcharge += finding.overcharge
    }

    public mutating func merge(_ other: RefundLedger) {
        for (key, entry) in other.entries {
            entries[key, default: Entry()].findings += entry.findings
            entries[key, default: Entry()].overcharge += entry.overcharge
        }
    }

    /// Rows by byte order of account, then cycle.
    public var sortedRows: [(Key, Entry)] {
        entries.map { ($0.key, $0.value) }.sorted { lhs, rhs in
            if lhs.0.account != rhs.0.account {
                return ReportOrder.precedes(lhs.0.account, rhs.0.account)
            }
            return lhs.0.cycle < rhs.0.cycle
        }
    }
}

/// Per-rule counts and sums for summary.json; mergeable like the ledger.
public struct RuleTotals: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var findings = 0
        public var overcharge = Money.zero
        public var shortfall = Money.zero
    }

    public private(set) var entries: [Rule: Entry] = [:]

    public init(_ findings: [Finding]) {
        for rule in Rule.allCases { entries[rule] = Entry() }
        for finding in findings {
            entries[finding.rule]!.findings += 1
            entries[finding.rule]!.overcharge += finding.overcharge
            entries[finding.rule]!.shortfall += finding.shortfall
        }
    }

    public var totalFindings: Int { entries.values.reduce(0) { $0 + $1.findings } }
    public var totalOvercharge: Money { entries.values.reduce(Money.zero) { $0 + $1.overcharge } }
}
