/// Every record the duplicate index found to repeat an earlier one, in input order: an array
/// sorted by order, not a table. The end of the audit walks each chunk's findings beside the
/// chunk's marks (both in input order) instead of looking every finding up; with ~10M findings
/// and 1.6M duplicates, building the table and probing it were ~2 s of a run's serial end.
struct DuplicateMarks: Sendable {
    struct Mark: Sendable {
        var order: UInt64
        var byRecordID = false
        var byContent = false
        /// Arena reference of the record's entry.
        var entry: Int = -1
    }

    /// One mark per record, ascending by order.
    let sorted: [Mark]

    init() { sorted = [] }

    /// The marks of `claims` (a record may be claimed once by each key), in any order and grouping.
    init(claims: [[DuplicateIndex.Claim]]) {
        let ordered = Self.sortedByOrder(Array(claims.joined()))
        var marks: [Mark] = []
        marks.reserveCapacity(ordered.count)
        for claim in ordered {
            if marks.last?.order != claim.order { marks.append(Mark(order: claim.order, entry: claim.entry)) }
            if claim.byContent {
                marks[marks.count - 1].byContent = true
            } else {
                marks[marks.count - 1].byRecordID = true
            }
        }
        sorted = marks
    }

    /// Claims by order: a least-significant-digit radix sort, 16 bits a pass, a pass skipped
    /// when every claim has the same digit there (orders share their high bits: few files). A
    /// comparison sort took ~290 instructions a claim, and an input given twice has two claims
    /// per row.
    static func sortedByOrder(_ claims: [DuplicateIndex.Claim]) -> [DuplicateIndex.Claim] {
        var source = claims
        var target = claims
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            let skipped = counts.withUnsafeMutableBufferPointer { counts in
                source.withUnsafeBufferPointer { source in
                    target.withUnsafeMutableBufferPointer { target in
                        counts.update(repeating: 0)
                        for claim in source { counts[Int(truncatingIfNeeded: claim.order >> shift) & 0xFFFF] += 1 }
                        if counts.contains(source.count) { return true }
                        var total = 0
                        for digit in counts.indices {
                            let count = counts[digit]
                            counts[digit] = total
                            total += count
                        }
                        for claim in source {
                            let digit = Int(truncatingIfNeeded: claim.order >> shift) & 0xFFFF
                            target[counts[digit]] = claim
                            counts[digit] += 1
                        }
                        return false
                    }
                }
            }
            if !skipped { swap(&source, &target) }
        }
        return source
    }

    var count: Int { sorted.count }
    var isEmpty: Bool { sorted.isEmpty }
    /// The marked records' orders, ascending.
    var keys: [UInt64] { sorted.map(\.order) }

    /// The position of the first mark at or after `order` (`count` when none is).
    func firstPosition(atOrAfter order: UInt64) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].order < order { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The mark of the record at `order`, if it is a duplicate.
    subscript(order: UInt64) -> Mark? {
        let position = firstPosition(atOrAfter: order)
        return position < sorted.count && sorted[position].order == order ? sorted[position] : nil
    }
}
