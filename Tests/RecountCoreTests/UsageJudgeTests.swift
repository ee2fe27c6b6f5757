import Foundation
import Testing

@testable import RecountCore

/// The usage rules of DESIGN.md §4 on single records, against the demo catalog (plan S: first
/// minute 0.20, then 0.02 per 6 s; data 0.0003 per KiB; precision 0.001; OLD ended 2025-12-31).
@Suite struct UsageJudgeTests {
    static let judge: UsageJudge = {
        let catalog = try! TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        return UsageJudge(rater: Rater(catalog: catalog))
    }()

    func verdict(
        plan: String = "S", service: Service = .voice, start: String = "2026-10-05T10:00:00", duration: Int64 = 0,
        volume: Int64 = 0, destination: String = "8613800138000", billedQuantity: Int64, billed: String
    ) -> UsageJudge.Verdict? {
        switch judged(
            plan: plan, service: service, start: start, duration: duration, volume: volume, destination: destination,
            billedQuantity: billedQuantity, billed: billed)
        {
        case .success(let verdict): return verdict
        case .failure(let error):
            Issue.record("rejected: \(error)")
            return nil
        }
    }

    func judged(
        plan: String = "S", service: Service = .voice, start: String = "2026-10-05T10:00:00", duration: Int64 = 0,
        volume: Int64 = 0, destination: String = "8613800138000", billedQuantity: Int64, billed: String
    ) -> Result<UsageJudge.Verdict?, RowError> {
        let startEpoch = FieldDecoder.withBytes(start) { FieldDecoder.timestamp($0, defaultOffset: 8 * 3600) }!
        return plan.utf8CString.withUnsafeBytes { planBytes in
            destination.utf8CString.withUnsafeBytes { destinationBytes in
                let record = UsageRecord(
                    recordID: UnsafeRawBufferPointer(rebasing: planBytes.dropLast()),
                    account: UnsafeRawBufferPointer(rebasing: planBytes.dropLast()),
                    plan: UnsafeRawBufferPointer(rebasing: planBytes.dropLast()),
                    destination: UnsafeRawBufferPointer(rebasing: destinationBytes.dropLast()), service: service,
                    start: startEpoch, durationSeconds: duration, volumeBytes: volume, billedQuantity: billedQuantity,
                    billedAmount: Money(billed)!, cycle: 202610)
                return Result { () throws(RowError) in try Self.judge.judge(record) }
            }
        }
    }

    /// An expected amount past `Rater.maxExpected` (a call of 10^18 s at 0.02 per 6 s: ~3.3·10^15)
    /// is a reject naming the bound, not a finding on a made-up amount; just inside it is rated.
    @Test func expectedAmountPastTheBoundIsARejectNotAFinding() {
        let longest = judged(duration: 999_999_999_999_999_999, billedQuantity: 1, billed: "1")
        #expect(
            longest
                == .failure(
                    RowError(
                        "row",
                        "expected amount under plan S exceeds 4611686018427, the most one record can be rated to exactly"
                    )))
        // 10^14 s: 0.20 for the first minute, then ⌈(10^14 − 60) / 6⌉ = 16,666,666,666,657 increments of
        // 6 s at 0.02 = 333,333,333,333.14: 333333333333.340 in all (an undercharge).
        let long = verdict(duration: 100_000_000_000_000, billedQuantity: 1, billed: "1")
        #expect(long?.rule == .undercharge && long?.expectedAmount == Money("333333333333.34"))
    }

    /// A library caller that skips `rating(_:)` and hands `judge(_:rating:)` an unrepresentable
    /// rating stops, instead of getting nil — "clean" — for a record nobody rated.
    @Test func judgingAnUnrepresentableRatingStops() async {
        await #expect(processExitsWith: .failure) {
            let plan: [UInt8] = Array("S".utf8)
            let destination: [UInt8] = Array("8613800138000".utf8)
            plan.withUnsafeBytes { plan in
                destination.withUnsafeBytes { destination in
                    let record = UsageRecord(
                        recordID: plan, account: plan, plan: plan, destination: destination, service: .voice,
                        start: 1_790_000_000, durationSeconds: 60, volumeBytes: 0, billedQuantity: 60,
                        billedAmount: Money("0.2")!, cycle: 202610)
                    _ = UsageJudgeTests.judge.judge(record, rating: .unrepresentable(reason: "past the bound"))
                }
            }
        }
    }

    @Test func cleanWhenBilledExactly() {
        #expect(verdict(duration: 61, billedQuantity: 66, billed: "0.220") == nil)  // 0.20 + 6 × 0.20/60
        #expect(verdict(duration: 60, billedQuantity: 60, billed: "0.2") == nil)  // exactly one increment
        #expect(verdict(duration: 0, billedQuantity: 0, billed: "0") == nil)  // unanswered, not charged
        #expect(verdict(service: .data, volume: 1500, destination: "", billedQuantity: 2048, billed: "0.001") == nil)
    }

    @Test func unitInflationNeedsMoreUnitsAndMoreMoney() {
        // 61 s → 66 s, 0.220; billed 72 s for 0.240: overcharge 0.020.
        let v = verdict(duration: 61, billedQuantity: 72, billed: "0.240")
        #expect(v?.rule == .unitInflation && v?.overcharge == Money("0.02") && v?.expectedQuantity == 66)
        // More units but not more money: not a finding (a quantity alone is not an overcharge).
        #expect(verdict(duration: 61, billedQuantity: 72, billed: "0.220") == nil)
        #expect(v?.detail == "billed 72 s where the tariff rounds to 66")
        let data = verdict(service: .data, volume: 1500, destination: "", billedQuantity: 4096, billed: "0.002")
        #expect(data?.detail == "billed 4096 bytes where the tariff rounds to 2048")
    }

    /// The details are composed byte by byte (no interpolation): every unit, 0, negative and
    /// 19-digit numbers give the text interpolation would.
    @Test func inflationDetailsMatchTheirInterpolatedText() {
        let units: [(Service, String)] = [(.voice, "s"), (.sms, "messages"), (.data, "bytes")]
        let numbers: [Int64] = [0, 7, 10, 66, -1, -60, 1_000_000, .max, .min]
        for (service, unit) in units {
            for billed in numbers {
                for expected in numbers {
                    #expect(
                        DetailForm.unitInflation(service).text(billed: billed, expected: expected)
                            == "billed \(billed) \(unit) where the tariff rounds to \(expected)")
                    #expect(
                        DetailForm.rateInflation(service).text(billed: expected, expected: billed)
                            == "charged more than the filed rate for \(billed) \(unit)")
                }
            }
        }
    }

    @Test func rateInflationWhenQuantityIsRight() {
        // 62 s → 66 s (one 6 s increment for 2 s past the minute), 0.220; billed 66 s for 0.221.
        let v = verdict(duration: 62, billedQuantity: 66, billed: "0.221")
        #expect(v?.rule == .rateInflation && v?.overcharge == Money("0.001"))
        #expect(v?.detail == "charged more than the filed rate for 66 s")
        // Fewer units billed but more money is still rate inflation.
        #expect(verdict(duration: 62, billedQuantity: 60, billed: "0.300")?.rule == .rateInflation)
    }

    @Test func unansweredCharged() {
        let call = verdict(duration: 0, billedQuantity: 0, billed: "0.001")
        #expect(call?.rule == .unansweredCharged && call?.overcharge == Money("0.001") && call?.expectedAmount == .zero)
        let data = verdict(service: .data, volume: 0, destination: "", billedQuantity: 1024, billed: "0.001")
        #expect(data?.rule == .unansweredCharged)
        // An SMS has no duration: 0 s is normal, and billed at the rate it is clean.
        #expect(verdict(service: .sms, duration: 0, billedQuantity: 1, billed: "0.100") == nil)
    }

    @Test func unfiledTariffComesFirst() {
        // Plan OLD ended 2025-12-31: even a 0 s call billed something is unfiled, not unanswered.
        let old = verdict(plan: "OLD", duration: 0, billedQuantity: 60, billed: "0.250")
        #expect(old?.rule == .unfiledTariff && old?.overcharge == Money("0.25") && old?.expectedAmount == .zero)
        #expect(verdict(plan: "NOPE", duration: 30, billedQuantity: 60, billed: "0.2")?.rule == .unfiledTariff)
        #expect(verdict(plan: "", duration: 30, billedQuantity: 60, billed: "0.2")?.detail == "no plan given")
        // A credit on an unfiled tariff overcharges nothing.
        #expect(verdict(plan: "OLD", duration: 30, billedQuantity: 60, billed: "-0.2")?.overcharge == .zero)
    }

    @Test func underchargeReportsTheShortfall() {
        let v = verdict(duration: 61, billedQuantity: 66, billed: "0.219")
        #expect(v?.rule == .undercharge && v?.overcharge == .zero && v?.expectedAmount == Money("0.22"))
    }
}

enum TestPaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()
}

/// Through the whole audit: a record rejected for an expected amount past the bound is never
/// "seen" (DESIGN.md §5a): a later record with its record_id is no duplicate.
@Suite struct UnrepresentableRejectTests {
    @Test(arguments: [1, 2])
    func rejectedRecordIsNeverSeen(threads: Int) throws {
        let folder = TempFolder()
        let header =
            "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,"
            + "billed_amount,cycle\n"
        let giant = folder.write(
            "a.csv", header + "U1,A1,S,voice,2026-10-05T10:00:00,999999999999999999,0,8613800138000,60,0.2,\n")
        let normal = folder.write(
            "b.csv", header + "U1,A1,S,voice,2026-10-05T11:00:00,60,0,8613800138000,60,0.2,\n")
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let result = try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: [InputFile(kind: .usage, path: giant), InputFile(kind: .usage, path: normal)],
                pipeline: PipelineOptions(threads: threads, maxRejects: 1)))
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.line == 2)
        #expect(result.rejects.first?.reason.hasPrefix("row: expected amount under plan S exceeds") == true)
        #expect(result.findings.isEmpty)
        #expect(result.rows[.usage] == RowCounts(read: 2, rejected: 1))
    }
}
