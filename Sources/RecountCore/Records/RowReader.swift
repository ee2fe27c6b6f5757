/// Walks the rows of one chunk: skips blank lines, turns malformed CSV and wrong field counts
/// into rejects, and hands every well-formed row to `body`, whose `RowError` also becomes a
/// reject. Each worker owns one (its scanner is scratch space).
public final class RowReader {
    public private(set) var scanner: CSVScanner

    public init(maxColumns: Int = 256) {
        scanner = CSVScanner(capacity: maxColumns)
    }

    /// Returns the chunk's line count; `rowsRead` counts every non-blank row, rejected or not.
    @inline(__always)
    public func forEachRow(
        _ job: ChunkJob, rowsRead: inout Int, rejects: inout [Reject],
        _ body: (CSVScanner) throws(RowError) -> Void
    ) -> Int {
        let expected = job.layout.fieldCount
        if expected > self.scanner.capacity { self.scanner = CSVScanner(capacity: expected) }
        // A local: reading the property in the loop retains and releases the scanner every row.
        let scanner = self.scanner
        scanner.reset(job.bytes)
        while true {
            switch scanner.next() {
            case .end:
                return scanner.linesConsumed
            case .blank:
                continue
            case .malformed(let reason):
                rowsRead += 1
                rejects.append(
                    Reject(
                        position: job.position, localLine: scanner.recordLine, reason: "row: " + reason,
                        raw: scanner.rawRecord))
            case .record:
                rowsRead += 1
                guard scanner.fieldCount == expected else {
                    rejects.append(
                        Reject(
                            position: job.position, localLine: scanner.recordLine,
                            reason: RowError.wrongFieldCount(expected: expected, found: scanner.fieldCount).description,
                            raw: scanner.rawRecord))
                    continue
                }
                do throws(RowError) {
                    try body(scanner)
                } catch {
                    rejects.append(
                        Reject(
                            position: job.position, localLine: scanner.recordLine,
                            reason: error.description, raw: scanner.rawRecord))
                }
            }
        }
    }
}
