/// What one worker found in one chunk: row counts, rejects, tentative findings and the usage
/// keys the duplicate index still has to see.
struct AuditPartial: ChunkPartial, Codable {
    var lineCount = 0
    var rowsRead = 0
    var rejects: [Reject] = []
    var kind: RecordKind
    var findings = FindingBuffer()
    var usageKeys = UsageKeyBatch()
}

/// Rows read per kind (DESIGN.md §5: `read == audited + rejected`).
public struct RowCounts: Sendable, Equatable, Codable {
    public var read = 0
    public var rejected = 0
    public var audited: Int { read - rejected }

    public init(read: Int = 0, rejected: Int = 0) {
        self.read = read
        self.rejected = rejected
    }

    public static func + (lhs: RowCounts, rhs: RowCounts) -> RowCounts {
        RowCounts(read: lhs.read + rhs.read, rejected: lhs.rejected + rhs.rejected)
    }
}
