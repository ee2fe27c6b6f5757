import Testing

@testable import RecountCore

/// The radix sort against the comparison sort it replaced: the sort's keys (two words, the last
/// tie broken by input order, as the sort builds them) and the duplicate index's claims (one word).
@Suite struct RadixSortTests {
    /// Entries built in index order; keys narrow (most digits alike: passes skipped) or spread
    /// over all 128 bits, with many ties in both words.
    static func entries(_ count: Int, seed: UInt64, wide: Bool) -> [ReportOrder.LeadEntry] {
        var generator = SeededGenerator(state: seed)
        func value() -> UInt64 {
            wide
                ? UInt64.random(in: 0...UInt64.max, using: &generator)
                    >> (UInt64.random(in: 0..<3, using: &generator) * 20)
                : UInt64.random(in: 0..<40, using: &generator) << 35 | UInt64.random(in: 0..<3, using: &generator)
        }
        let leads = (0..<max(1, count / 8)).map { _ in value() }
        let prefixes = (0..<max(1, count / 4)).map { _ in value() }
        return (0..<count).map { index in
            ReportOrder.LeadEntry(
                lead: leads.randomElement(using: &generator)!, recordID: prefixes.randomElement(using: &generator)!,
                index: index)
        }
    }

    @Test(arguments: [(0, false), (1, false), (7, true), (5_000, false), (5_000, true), (200_000, true)])
    func sortsAsTheComparisonSort(count: Int, wide: Bool) {
        let entries = Self.entries(count, seed: UInt64(count) + (wide ? 1 : 0), wide: wide)
        var sorted = entries
        RadixSort.sort(&sorted)
        #expect(sorted.map(\.index) == entries.sorted().map(\.index))
    }

    @Test func claimsKeepTheirOrderAmongEqualOrders() {
        var generator = SeededGenerator(state: 77)
        let claims = (0..<10_000).map { index in
            DuplicateIndex.Claim(
                order: UInt64.random(in: 0..<500, using: &generator) << 40, entry: index, byContent: index % 2 == 0)
        }
        var sorted = claims
        RadixSort.sort(&sorted)
        // Stable: equal orders stay in input order (entry is the input position).
        #expect(sorted.map(\.entry) == claims.sorted { ($0.order, $0.entry) < ($1.order, $1.entry) }.map(\.entry))
    }
}
