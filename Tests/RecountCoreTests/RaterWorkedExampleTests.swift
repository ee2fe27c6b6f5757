import Testing

@testable import RecountCore

/// Every row of DESIGN.md §3.4, against testdata/catalogs/worked-examples.yaml
/// (+08:00, amount_precision 0.001, half_up; 2026-10-05 is a Monday).
@Suite struct RaterWorkedExampleTests {
    let rater: Rater
    init() throws { rater = Rater(catalog: try Fixture.workedExamples()) }

    // 60 s at 0.20/60 s = 0.20, then 1 s → one 6 s increment: 6 × 0.20 / 60 = 0.02. 66 s, 0.220.
    @Test func sixtyOneSeconds() {
        #expect(rater.rate(plan: "S", .voice, start: "2026-10-05T10:00:00", duration: 61) == rated(66, "0.220"))
    }

    // Exactly one 60 s increment: 0.200.
    @Test func sixtySeconds() {
        #expect(rater.rate(plan: "S", .voice, start: "2026-10-05T10:00:00", duration: 60) == rated(60, "0.200"))
    }

    // Unanswered: nothing.
    @Test func zeroSeconds() {
        #expect(rater.rate(plan: "S", .voice, start: "2026-10-05T10:00:00", duration: 0) == rated(0, "0.000"))
    }

    // ceil(1500 / 1024) = 2 → 2048 bytes; 2048 × 0.0003 / 1024 = 0.0006 → half_up at 0.001 → 0.001.
    @Test func dataFifteenHundredBytes() {
        #expect(rater.rate(plan: "S", .data, start: "2026-10-05T10:00:00", volume: 1500) == rated(2048, "0.001"))
    }

    // Peak piece 19:59:30–20:00:00 = 30 s → 60 s at 0.30 (eats to 20:00:30); off-peak piece
    // 20:00:30–20:01:00 = 30 s → 60 s at 0.10; fee of the first (peak) piece 0.05. 120 s, 0.45.
    @Test func splitPeakIntoOffPeak() {
        #expect(rater.rate(plan: "B", .voice, start: "2026-10-05T19:59:30", duration: 90) == rated(120, "0.450"))
    }

    // 11:59:30Z is 19:59:30 at +08:00: the same instant, the same charge.
    @Test func splitSameInstantInUTC() {
        #expect(rater.rate(plan: "B", .voice, start: "2026-10-05T11:59:30Z", duration: 90) == rated(120, "0.450"))
    }

    // Off-peak 30 s → 60 s at 0.10 (eats to 08:00:30), peak 30 s → 60 s at 0.30; the first piece
    // is off-peak, which has no connect fee. 120 s, 0.40.
    @Test func splitOffPeakIntoPeak() {
        #expect(rater.rate(plan: "B", .voice, start: "2026-10-05T07:59:30", duration: 90) == rated(120, "0.400"))
    }

    // Friday 23:59 (off-peak) into Saturday (off-peak): 60 s + 120 s at 0.10 = 0.30.
    @Test func splitFridayIntoSaturday() {
        #expect(rater.rate(plan: "B", .voice, start: "2026-10-09T23:59:00", duration: 180) == rated(180, "0.300"))
    }

    // Whole call at the start band (peak): ceil(90/60) = 2 × 0.30 + 0.05 fee = 0.65.
    @Test func startWholeCallAtPeak() {
        #expect(rater.rate(plan: "B-START", .voice, start: "2026-10-05T19:59:30", duration: 90) == rated(120, "0.650"))
    }
}
