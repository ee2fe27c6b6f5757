/// Findings in memory the buffer owns. A worker appends one chunk's findings; once the buffer is
/// handed over nothing appends, so a pointer to any of its findings stays valid while it lives.
/// That lets the end of the run sort the findings of every chunk where they lie and move each
/// into the sorted array once, instead of first gathering the kept ones into another array
/// (~70 MB more at the run's memory peak, on a set with 600k findings).
///
/// `@unchecked Sendable`: written only by the worker that fills it, before it is handed over;
/// afterwards the end of the run moves findings out through `ReportOrder`, each exactly once.
final class FindingBuffer: @unchecked Sendable, Codable {
    private(set) var base: UnsafeMutablePointer<Finding>
    private(set) var count = 0
    private(set) var capacity: Int

    static let defaultCapacity = 16

    init(capacity: Int = defaultCapacity) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    convenience init(_ findings: [Finding]) {
        self.init(capacity: findings.count)
        for finding in findings { append(finding) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Gives back the slack when more than half the room is unused: the buffer is kept to the
    /// end of the run.
    func releaseSlack() {
        guard capacity > 2 * count, capacity > Self.defaultCapacity else { return }
        capacity = max(count, 1)
        base = base.movedToNew(capacity: capacity, count: count)
    }

    /// Room for the next chunk's findings, judged by this one's.
    var roomForNext: Int { max(Self.defaultCapacity, count + count / 8) }

    func append(_ finding: Finding) {
        if count == capacity {
            capacity *= 2
            base = base.movedToNew(capacity: capacity, count: count)
        }
        (base + count).initialize(to: finding)
        count += 1
    }

    /// A copy of the findings, in order.
    var findings: [Finding] { Array(UnsafeBufferPointer(start: base, count: count)) }

    convenience init(from decoder: any Decoder) throws {
        self.init(try [Finding](from: decoder))
    }

    func encode(to encoder: any Encoder) throws { try findings.encode(to: encoder) }
}
