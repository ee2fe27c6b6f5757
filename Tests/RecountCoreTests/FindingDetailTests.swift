import Foundation
import Testing

@testable import RecountCore

/// A finding whose detail is composed (`DetailForm`) reads, compares, encodes and is written
/// exactly as the same finding with its detail held as text.
@Suite struct FindingDetailTests {
    static func finding(_ form: DetailForm, billed: Int64, expected: Int64, service: Service) -> (Finding, Finding) {
        let composed = Finding(
            kind: .usage, recordID: "U0000000007", account: "A0000007", cycle: 202_610,
            rule: form == .rateInflation(service) ? .rateInflation : .unitInflation, billedQuantity: billed,
            expectedQuantity: expected, billedAmount: Money(micros: 240_000), expectedAmount: Money(micros: 220_000),
            overcharge: Money(micros: 20_000), detailText: "", detailForm: form, order: 77)
        var held = composed
        held.detail = composed.detail
        return (composed, held)
    }

    static let cases: [(DetailForm, Service)] = [
        (.unitInflation(.voice), .voice), (.unitInflation(.sms), .sms), (.unitInflation(.data), .data),
        (.rateInflation(.voice), .voice), (.rateInflation(.sms), .sms), (.rateInflation(.data), .data),
    ]

    @Test func composedDetailsReadAsTheirText() {
        let (unit, _) = Self.finding(.unitInflation(.voice), billed: 72, expected: 66, service: .voice)
        #expect(unit.detail == "billed 72 s where the tariff rounds to 66")
        let (data, _) = Self.finding(.unitInflation(.data), billed: 4096, expected: 2048, service: .data)
        #expect(data.detail == "billed 4096 bytes where the tariff rounds to 2048")
        let (rate, _) = Self.finding(.rateInflation(.sms), billed: 3, expected: 2, service: .sms)
        #expect(rate.detail == "charged more than the filed rate for 2 messages")
    }

    @Test func rowsEqualityAndEncodingMatchTheTextForm() throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        for (form, service) in Self.cases {
            for (billed, expected) in [(Int64(0), Int64(0)), (72, 66), (Int64.max, Int64.min), (-5, 1_000_000)] {
                let (composed, held) = Self.finding(form, billed: billed, expected: expected, service: service)
                #expect(composed.detailForm == form && held.detailForm == .text)
                #expect(composed == held && held == composed)
                var composedRow = ByteWriter()
                FindingRow.append(composed, catalog, to: &composedRow)
                var heldRow = ByteWriter()
                FindingRow.append(held, catalog, to: &heldRow)
                #expect(composedRow.bytes == heldRow.bytes)
                #expect(
                    String(decoding: composedRow.bytes, as: UTF8.self)
                        == CSVText.row(ReportOrder.fields(composed, catalog)))
                // Encoded as text: decodes to the held form, and to a finding equal to both.
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                let data = try encoder.encode(composed)
                #expect(data == (try encoder.encode(held)))
                let decoded = try JSONDecoder().decode(Finding.self, from: data)
                #expect(decoded == composed && decoded.detailForm == .text)
            }
        }
    }

    @Test func differentTextsOrQuantitiesAreNotEqual() {
        let (composed, held) = Self.finding(.unitInflation(.voice), billed: 72, expected: 66, service: .voice)
        var other = held
        other.detail = "billed 72 s where the tariff rounds to 67"
        #expect(composed != other && other != composed && held != other)
        var more = composed
        more.billedQuantity = 73
        #expect(more != composed && more != held)
        // Same quantities, the other composed rule: different text.
        let (rate, _) = Self.finding(.rateInflation(.voice), billed: 72, expected: 66, service: .voice)
        #expect(rate.detail != composed.detail)
        var sameRule = rate
        sameRule.rule = .unitInflation
        #expect(sameRule != composed)
        // Setting the text makes it held.
        var set = composed
        set.detail = "x"
        #expect(set.detailForm == .text && set.detail == "x")
    }

    /// Every finding is held to the end of the run: 112 bytes, not the 128 of the fields in
    /// declaration order (a composed detail's form sits in padding).
    @Test func findingStaysCompact() {
        #expect(MemoryLayout<Finding>.stride == 112)
        #expect(MemoryLayout<DetailForm>.size == 1)
    }
}
