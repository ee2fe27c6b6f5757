import Dispatch

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
        let all = Array(claims.joined())
        // Two halves sorted at once, then merged (below 100k claims one sort: the second half is empty).
        let middle = all.count >= 100_000 ? all.count / 2 : all.count
        let halves = TaskSlots<[DuplicateIndex.Claim]>(count: 2, repeating: [])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            halves[part] = (part == 0 ? all[..<middle] : all[middle...]).sorted { $0.order < $1.order }
        }
        let (left, right) = (halves[0], halves[1])
        var marks: [Mark] = []
        marks.reserveCapacity(all.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            let claim: DuplicateIndex.Claim
            if j == right.count || (i < left.count && left[i].order <= right[j].order) {
                claim = left[i]
                i += 1
            } else {
                claim = right[j]
                j += 1
            }
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
