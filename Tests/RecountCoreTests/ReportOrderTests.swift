import Foundation
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

/// The account-prefix shortcut of the findings sort never contradicts byte order.
@Suite struct AccountPrefixTests {
    @Test func differingPrefixesAgreeWithByteOrder() {
        var random = SeededRandom(seed: 8)
        let alphabet: [UInt8] = [0x00, 0x01, 0x41, 0x42, 0x7f, 0xc3, 0xa9]
        var texts: [String] = ["", "A", "A\u{0}", "A\u{1}", "AB", "A0000001", "A00000010", "A0000002", "é", "ABCDEFGHIJ"]
        for _ in 0..<400 {
            let length = Int(random.next() % 11)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        for a in texts {
            for b in texts {
                let pa = ReportOrder.accountPrefix(a), pb = ReportOrder.accountPrefix(b)
                if pa != pb { #expect((pa < pb) == ReportOrder.precedes(a, b), "\(Array(a.utf8)) vs \(Array(b.utf8))") }
                if a == b { #expect(pa == pb) }
            }
        }
    }
}

/// findings.csv.gz is formatted in slices on all cores: its content must be exactly the rows in
/// order, header first, across slice and window boundaries (16,384 findings a slice, 8 a window).
@Suite struct FindingsFileTests {
    @Test(arguments: [0, 1, 16_384, 16_385, 140_000])
    func parallelFormattingKeepsEveryRowInOrder(count: Int) throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let rules: [Rule] = [.unitInflation, .rateInflation, .duplicateCharge, .undercharge]
        var findings: [Finding] = []
        for index in 0..<count {
            let number = Int64(index)
            let detail = index % 3 == 0 ? "with, a comma" : "plain"
            findings.append(
                Finding(
                    kind: .usage, recordID: "R\(index)", account: "A\(index % 97)", cycle: 202610,
                    rule: rules[index % 4], billedQuantity: number % 600, expectedQuantity: number % 500,
                    billedAmount: Money(micros: number * 1_250), expectedAmount: Money(micros: number * 1_000),
                    overcharge: Money(micros: number * 250), detail: detail, order: UInt64(index)))
        }
        let result = AuditResult(
            catalog: catalog, findings: findings, rows: [:], rejects: [], files: [], startedAt: Date(),
            finishedAt: Date(), duplicateIndexBytes: 0, duplicateIndexRecords: 0)
        let folder = TempFolder()
        let path = folder.path + "/findings.csv.gz"
        try ReportWriter.writeFindings(result, to: path)
        var expected = Array(
            ("kind,record_id,account,cycle,rule,billed_quantity,expected_quantity,billed_amount,expected_amount,"
                + "overcharge,refund,detail\n").utf8)
        for finding in findings { FindingRow.append(finding, catalog, to: &expected) }
        let written = try inflateWhole(path)
        #expect(written.count == expected.count)
        #expect(written == expected)
    }
}
