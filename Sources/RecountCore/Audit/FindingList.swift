/// A run's findings in report order, left where the workers wrote them: the list holds the
/// buffers and, in order, a pointer to each finding. Sorting moves 8-byte pointers, not
/// 104-byte findings. (Moving every finding into one new sorted array made that array's
/// memory fresh at the end of the run: with ~10M findings, 1.2 GB more at the peak and ~3 s of
/// CPU spent mostly faulting its pages in.)
///
/// Reading an element copies the finding out; the reports read the findings in place
/// (`withFindings`). Immutable once made.
public struct FindingList: RandomAccessCollection, Sendable {
    /// Keeps the buffers alive as long as any copy of the list. `@unchecked Sendable`: nothing
    /// writes to the buffers or the pointers after the list is made.
    private final class Storage: @unchecked Sendable {
        let owners: [FindingBuffer]
        let ordered: [UnsafeMutablePointer<StoredFinding>]

        init(owners: [FindingBuffer], ordered: [UnsafeMutablePointer<StoredFinding>]) {
            self.owners = owners
            self.ordered = ordered
        }
    }

    private let storage: Storage

    /// `ordered` points into `owners` only, each finding once, in report order.
    init(owners: [FindingBuffer], ordered: [UnsafeMutablePointer<StoredFinding>]) {
        storage = Storage(owners: owners, ordered: ordered)
    }

    /// These findings, in this order (not sorted: `ReportOrder.sorted` sorts an array).
    public init(_ findings: [Finding]) {
        let buffer = FindingBuffer(findings)
        self.init(owners: [buffer], ordered: (0..<buffer.count).map { buffer.base + $0 })
    }

    public init() { self.init([]) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.ordered.count }
    /// The finding at `position`, its texts copied out (it may outlive the list).
    public subscript(position: Int) -> Finding { storage.ordered[position].pointee.finding }

    /// The findings in order, read in place: finding `k` is `body`'s `all[k].pointee`.
    func withFindings<Result>(_ body: (UnsafeBufferPointer<UnsafeMutablePointer<StoredFinding>>) throws -> Result)
        rethrows -> Result
    {
        try storage.ordered.withUnsafeBufferPointer(body)
    }
}
