/// A plan version's week cut into segments at every band start and end of its voice rules,
/// with, per rule, the segments its bands cover.
///
/// Inside one segment the set of covering rules never changes, so rule choice at an instant
/// is "find the segment, then the longest prefix among rules covering it", and `split`
/// rating cuts a call exactly at segment ends.
struct WeekSchedule: Sendable {
    static let week = 7 * CivilTime.secondsPerDay

    /// Sorted, unique seconds of the week (Monday 00:00 = 0), first 0, last `week`.
    let boundaries: [Int64]
    /// `UInt64` words per rule in `coverage`.
    private let words: Int
    /// Bit `s` of rule `r`'s words: rule `r` covers segment `s`.
    private let coverage: [UInt64]

    init(ruleBands: [[Band]]) {
        var cuts: Set<Int64> = [0, Self.week]
        for bands in ruleBands {
            for band in bands {
                for day in 0..<7 where band.days & (1 << UInt8(day)) != 0 {
                    cuts.insert(Int64(day) * CivilTime.secondsPerDay + band.from)
                    cuts.insert(Int64(day) * CivilTime.secondsPerDay + band.to)
                }
            }
        }
        let boundaries = cuts.sorted()
        let segments = boundaries.count - 1
        let words = (segments + 63) / 64
        var coverage = [UInt64](repeating: 0, count: words * ruleBands.count)
        for (rule, bands) in ruleBands.enumerated() {
            for segment in 0..<segments {
                // A segment lies inside one day and inside or outside each band: test its start.
                let start = boundaries[segment]
                let day = Int(start / CivilTime.secondsPerDay)
                let second = start - Int64(day) * CivilTime.secondsPerDay
                if bands.contains(where: { $0.contains(weekday: day, secondOfDay: second) }) {
                    coverage[rule * words + segment / 64] |= 1 << UInt64(segment % 64)
                }
            }
        }
        self.boundaries = boundaries
        self.words = words
        self.coverage = coverage
    }

    /// The segment holding `weekSecond` (0 ≤ weekSecond < week).
    @inline(__always)
    func segment(_ weekSecond: Int64) -> Int {
        // Invariant: boundaries[low] ≤ weekSecond < boundaries[high].
        var low = 0
        var high = boundaries.count - 1
        while high - low > 1 {
            let middle = (low + high) >> 1
            if boundaries[middle] <= weekSecond { low = middle } else { high = middle }
        }
        return low
    }

    @inline(__always)
    func covers(rule: Int, segment: Int) -> Bool {
        coverage[rule &* words &+ (segment >> 6)] & (1 << UInt64(segment & 63)) != 0
    }

    /// First second of the week after `segment` (`week` for the last one).
    @inline(__always)
    func end(_ segment: Int) -> Int64 { boundaries[segment + 1] }
}
