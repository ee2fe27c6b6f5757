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
        public var overcharge = MoneySum.zero
    }

    public private(set) var entries: [Key: Entry] = [:]

    public init() {}

    public init(_ findings: [Finding]) {
        // Findings come sorted by account and cycle, so equal keys arrive in runs: each run is
        // summed here and added to the table once (any order still gives the same sums).
        var runKey: Key?
        var run = Entry()
        findings.withUnsafeBufferPointer { all in
            for index in all.indices where all[index].overcharge > .zero {
                let account = all[index].account
                let cycle = all[index].cycle
                if let key = runKey, key.cycle == cycle, key.account == account {
                    run.findings += 1
                    run.overcharge += all[index].overcharge
                    continue
                }
                if let key = runKey { add(run, at: key) }
                runKey = Key(account: account, cycle: cycle)
                run = Entry(findings: 1, overcharge: MoneySum(all[index].overcharge))
            }
        }
        if let key = runKey { add(run, at: key) }
    }

    private mutating func add(_ entry: Entry, at key: Key) {
        entries[key, default: Entry()].findings += entry.findings
        entries[key, default: Entry()].overcharge += entry.overcharge
    }

    public mutating func add(_ finding: Finding) {
        guard finding.overcharge > .zero else { return }
        add(
            Entry(findings: 1, overcharge: MoneySum(finding.overcharge)),
            at: Key(account: finding.account, cycle: finding.cycle))
    }

    public mutating func merge(_ other: RefundLedger) {
        for (key, entry) in other.entries { add(entry, at: key) }
    }

    /// Whether an entry is a row of refunds.csv (DESIGN.md §5: refund > 0 — the exact refund,
    /// `factor × overcharge`, before rounding). The file and summary.json's `refund_rows` both ask here.
    public static func owesRefund(_ entry: Entry, factor: Money) -> Bool {
        entry.overcharge > .zero && factor > .zero
    }

    /// The rows refunds.csv holds under `factor`.
    public func refundRows(factor: Money) -> Int {
        entries.values.reduce(0) { $0 + (Self.owesRefund($1, factor: factor) ? 1 : 0) }
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
        public var overcharge = MoneySum.zero
        public var shortfall = MoneySum.zero
    }

    public private(set) var entries: [Rule: Entry] = [:]

    public init(_ findings: [Finding]) {
        // A table indexed by precedence, read without copying findings: hashing the rule
        // three times per finding was most of the summary's time in runs with many findings.
        var sums = [Entry](repeating: Entry(), count: Rule.allCases.count)
        findings.withUnsafeBufferPointer { all in
            for index in all.indices {
                let rule = all[index].rule.precedence
                sums[rule].findings += 1
                sums[rule].overcharge += all[index].overcharge
                if all[index].rule == .undercharge { sums[rule].shortfall += all[index].shortfall }
            }
        }
        for rule in Rule.allCases { entries[rule] = sums[rule.precedence] }
    }

    public var totalFindings: Int { entries.values.reduce(0) { $0 + $1.findings } }
    public var totalOvercharge: MoneySum { entries.values.reduce(MoneySum.zero) { $0 + $1.overcharge } }
}
