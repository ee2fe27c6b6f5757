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
        // By a radix sort: a comparison sort took ~290 instructions a claim, and an input given twice
        // has two claims per row.
        var ordered = Array(claims.joined())
        RadixSort.sort(&ordered)
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

extension DuplicateIndex.Claim: RadixSortable {
    static var radixWords: Int { 1 }
    func radixWord(_ index: Int) -> UInt64 { order }
}
