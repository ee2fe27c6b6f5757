import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// The row order of every report, by byte order of keys, so output bytes never depend on
/// thread count, chunk size or timing (DESIGN.md §5).
public enum ReportOrder {
    /// The findings.csv fields of a finding, in column order.
    static func fields(_ finding: Finding, _ catalog: TariffCatalog) -> [String] {
        let precision = catalog.precision, rounding = catalog.rounding
        func amount(_ money: Money) -> String { ExactAmount(money).formatted(precision, rounding) }
        return [
            finding.kind.rawValue, finding.recordID, finding.account, CivilTime.formatCycle(finding.cycle),
            finding.rule.code, finding.billedQuantity.map(String.init) ?? "",
            finding.expectedQuantity.map(String.init) ?? "", amount(finding.billedAmount),
            amount(finding.expectedAmount), amount(finding.overcharge),
            ExactAmount(finding.overcharge).times(catalog.refundFactor).formatted(precision, rounding),
            finding.detail,
        ]
    }

    /// Sorted by byte order of account, cycle, kind, record_id, rule, then the rest of the row.
    ///
    /// Indices are sorted, not findings (no struct copies while sorting), and the leading keys are
    /// compared without formatting: cycles print as `YYYY-MM` with four-digit years, so numeric
    /// order is byte order; kinds and rule codes compare by their text. Only ties on all five keys
    /// (rare) format the rest of both rows.
    public static func sorted(_ findings: [Finding], _ catalog: TariffCatalog) -> [Finding] {
        // The first eight bytes of each account, big-endian and zero-padded: one integer compare
        // orders most pairs by account exactly as byte order would; equal prefixes fall through.
        let prefixes = findings.map { accountPrefix($0.account) }
        return findings.withUnsafeBufferPointer { all in
            let less = { (left: Int, right: Int) -> Bool in
                if prefixes[left] != prefixes[right] { return prefixes[left] < prefixes[right] }
                let a = all.baseAddress! + left, b = all.baseAddress! + right
                if a.pointee.account != b.pointee.account {
                    return precedes(a.pointee.account, b.pointee.account)
                }
                if a.pointee.cycle != b.pointee.cycle { return a.pointee.cycle < b.pointee.cycle }
                if a.pointee.kind != b.pointee.kind { return a.pointee.kind.rawValue < b.pointee.kind.rawValue }
                if a.pointee.recordID != b.pointee.recordID {
                    return precedes(a.pointee.recordID, b.pointee.recordID)
                }
                if a.pointee.rule != b.pointee.rule {
                    return precedes(a.pointee.rule.code, b.pointee.rule.code)
                }
                let restA = fields(a.pointee, catalog).dropFirst(5), restB = fields(b.pointee, catalog).dropFirst(5)
                for (x, y) in zip(restA, restB) where x != y { return precedes(x, y) }
                return false
            }
            return twoWaySorted(count: all.count, by: less).map { all[$0] }
        }
    }

    /// Indices `0..<count` sorted by `less`: two halves sorted at once on two threads, then merged.
    /// `less` is a total order up to rows that are identical in every column, so the output is
    /// the same bytes however the work was split.
    static func twoWaySorted(count: Int, by less: (Int, Int) -> Bool) -> [Int] {
        var order = Array(0..<count)
        guard count >= 50_000 else {
            order.sort(by: less)
            return order
        }
        return withoutActuallyEscaping(less) { less in
            let shared = SortHalves(less: less)
            order.withUnsafeMutableBufferPointer { buffer in
                let halves = SortHalves.Buffer(base: buffer.baseAddress!, middle: count / 2, count: count)
                DispatchQueue.concurrentPerform(iterations: 2) { part in
                    let range = part == 0 ? 0..<halves.middle : halves.middle..<halves.count
                    var half = UnsafeMutableBufferPointer(start: halves.base + range.lowerBound, count: range.count)
                    half.sort(by: shared.less)
                }
            }
            var merged: [Int] = []
            merged.reserveCapacity(count)
            var left = 0, right = count / 2
            while left < count / 2, right < count {
                if less(order[right], order[left]) {
                    merged.append(order[right])
                    right += 1
                } else {
                    merged.append(order[left])
                    left += 1
                }
            }
            merged += order[left..<(count / 2)]
            merged += order[right..<count]
            return merged
        }
    }

    /// What the two sorting threads share: a pure comparison and disjoint halves of one buffer.
    private struct SortHalves: @unchecked Sendable {
        let less: (Int, Int) -> Bool

        struct Buffer: @unchecked Sendable {
            let base: UnsafeMutablePointer<Int>
            let middle: Int
            let count: Int
        }
    }

    /// Up to the first eight UTF-8 bytes of `text` as a big-endian integer, zero-padded: if two
    /// prefixes differ, their order is the texts' byte order.
    static func accountPrefix(_ text: String) -> UInt64 {
        var prefix: UInt64 = 0
        var taken = 0
        for byte in text.utf8.prefix(8) {
            prefix = prefix << 8 | UInt64(byte)
            taken += 1
        }
        return taken == 0 ? 0 : prefix << UInt64(8 * (8 - taken))
    }

    /// Byte order of two strings' UTF-8 (memcmp on native strings).
    @inline(__always)
    static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
