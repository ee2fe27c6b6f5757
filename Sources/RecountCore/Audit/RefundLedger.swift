/// The refund owed per (account, cycle): findings with an overcharge, and the overcharge sum;
/// the refund is `refund_factor × overcharge`, computed exactly when written. Merging two ledgers
/// adds their entries, in any grouping.
public struct RefundLedger: Sendable, Equatable, Codable {
    /// Equal when the account's bytes are (as the reports order them), not by `String ==`,
    /// which takes "é" written as one code point or as two for one account.
    public struct Key: Hashable, Sendable, Codable {
        public var account: String
        public var cycle: Int32

        public static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.cycle == rhs.cycle && ReportOrder.sameBytes(lhs.account, rhs.account)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(cycle)
            var account = account
            account.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    public struct Entry: Sendable, Equatable, Codable {
        public var findings = 0
        public var overcharge = MoneySum.zero
    }

    /// The entries either as rows already in report order — a ledger of findings that came in
    /// report order, which the end of an audit always hands it — or as a table. The rows need
    /// no hashing and no sort: with a million accounts, hashing their names into a table and
    /// sorting it again took ~1.5 s of a 5.6 s run.
    private enum Storage: Sendable {
        case ordered([(Key, Entry)])
        case table([Key: Entry])
    }

    private var storage = Storage.table([:])

    /// Every (account, cycle) with an overcharge, and its sums.
    public var entries: [Key: Entry] {
        switch storage {
        case .table(let table): return table
        case .ordered(let rows): return Dictionary(uniqueKeysWithValues: rows)
        }
    }

    public init() {}

    public init(_ findings: [Finding]) { self.init(FindingList(findings)) }

    public init(_ findings: FindingList) {
        // Equal keys arrive in runs when the findings are sorted by account and cycle: each run
        // is summed once. While every run's key is past the one before (byte order of account,
        // then cycle), the runs are the rows in report order; any other order falls back to
        // adding each run to a table (the sums are the same either way).
        var rows: [(Key, Entry)] = []
        var ordered = true
        var runKey: Key?
        var run = Entry()
        func close(_ key: Key) {
            if ordered, let last = rows.last?.0, !Self.precedes(last, key) {
                ordered = false
                storage = .table(Dictionary(uniqueKeysWithValues: rows))
                rows = []
            }
            if ordered { rows.append((key, run)) } else { add(run, at: key) }
        }
        findings.withFindings { all in
            // The run's account as bytes, to compare with each next finding's without making a `String`.
            var runAccount = FindingText(inline: UnsafeRawBufferPointer(start: nil, count: 0))
            for index in all.indices where all[index].pointee.overcharge > .zero {
                let account = all[index].pointee.account
                let cycle = all[index].pointee.cycle
                if let key = runKey, key.cycle == cycle, ReportOrder.sameBytes(runAccount, account) {
                    run.findings += 1
                    run.overcharge += all[index].pointee.overcharge
                    continue
                }
                if let key = runKey { close(key) }
                runKey = Key(account: account.string, cycle: cycle)
                runAccount = account
                run = Entry(findings: 1, overcharge: MoneySum(all[index].pointee.overcharge))
            }
        }
        if let key = runKey { close(key) }
        if ordered { storage = .ordered(rows) }
    }

    /// Report order of two keys: byte order of the account, then the cycle.
    private static func precedes(_ lhs: Key, _ rhs: Key) -> Bool {
        if !ReportOrder.sameBytes(lhs.account, rhs.account) { return ReportOrder.precedes(lhs.account, rhs.account) }
        return lhs.cycle < rhs.cycle
    }

    private mutating func add(_ entry: Entry, at key: Key) {
        var table = entries
        storage = .table([:])  // the table is uniquely referenced while it changes
        table[key, default: Entry()].findings += entry.findings
        table[key, default: Entry()].overcharge += entry.overcharge
        storage = .table(table)
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

    /// How many (account, cycle) entries there are.
    public var count: Int {
        switch storage {
        case .ordered(let rows): return rows.count
        case .table(let table): return table.count
        }
    }

    /// The rows refunds.csv holds under `factor`.
    public func refundRows(factor: Money) -> Int {
        switch storage {
        case .ordered(let rows): return rows.reduce(0) { $0 + (Self.owesRefund($1.1, factor: factor) ? 1 : 0) }
        case .table(let table): return table.values.reduce(0) { $0 + (Self.owesRefund($1, factor: factor) ? 1 : 0) }
        }
    }

    /// Rows by byte order of account, then cycle.
    public var sortedRows: [(Key, Entry)] {
        switch storage {
        case .ordered(let rows): return rows
        case .table(let table): return table.map { ($0.key, $0.value) }.sorted { Self.precedes($0.0, $1.0) }
        }
    }

    public static func == (lhs: RefundLedger, rhs: RefundLedger) -> Bool { lhs.entries == rhs.entries }

    private enum CodingKeys: String, CodingKey { case entries }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        storage = .table(try container.decode([Key: Entry].self, forKey: .entries))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
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

    public init(_ findings: [Finding]) { self.init(FindingList(findings)) }

    public init(_ findings: FindingList) { self = findings.withFindings { Self(pointers: $0) } }

    /// The totals of the findings at `pointers`, in any order.
    init(pointers all: UnsafeBufferPointer<UnsafeMutablePointer<StoredFinding>>) {
        // A table indexed by precedence, read without copying findings: hashing the rule
        // three times per finding was most of the summary's time in runs with many findings.
        var sums = [Entry](repeating: Entry(), count: Rule.allCases.count)
        for finding in all {
            let rule = finding.pointee.rule.precedence
            sums[rule].findings += 1
            sums[rule].overcharge += finding.pointee.overcharge
            if finding.pointee.rule == .undercharge { sums[rule].shortfall += finding.pointee.shortfall }
        }
        for rule in Rule.allCases { entries[rule] = sums[rule.precedence] }
    }

    public var totalFindings: Int { entries.values.reduce(0) { $0 + $1.findings } }
    public var totalOvercharge: MoneySum { entries.values.reduce(MoneySum.zero) { $0 + $1.overcharge } }
}
