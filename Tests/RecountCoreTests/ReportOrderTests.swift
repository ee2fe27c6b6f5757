import Testing

@testable import RecountCore

/// The findings sort splits large inputs over two threads and merges: the result must be the
/// plain sort's, at the split threshold, around it and with many equal keys.
@Suite struct ReportOrderTests {
    @Test(arguments: [0, 1, 2, 49_999, 50_000, 50_001, 123_457])
    func twoWaySortEqualsPlainSort(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 3)
        // Few distinct keys, so equal keys meet across the two halves.
        let keys = (0..<count).map { _ in Int(random.next() % 1000) }
        let sorted = ReportOrder.twoWaySorted(count: count) { keys[$0] < keys[$1] }
        #expect(sorted.map { keys[$0] } == keys.sorted())
        #expect(Set(sorted) == Set(0..<count))
    }
}
