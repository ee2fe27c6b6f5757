import Foundation
import Testing

@testable import RecountCore

/// Texts that stress byte-order shortcuts: empty, NUL and other control bytes, digits, shared
/// eight-byte prefixes, longer than eight bytes, and multi-byte UTF-8; then random ones.
enum TrickyTexts {
    static func make(random count: Int, maxLength: Int, _ random: inout SeededRandom) -> [String] {
        let alphabet: [UInt8] = [0x00, 0x01, 0x30, 0x41, 0x42, 0x7f, 0xc3, 0xa9]
        var texts: [String] = [
            "", "A", "A\u{0}", "A\u{1}", "AB", "A0000001", "A00000010", "A0000002", "é", "ABCDEFGHIJ",
        ]
        for _ in 0..<count {
            let length = Int(random.next() % UInt64(maxLength + 1))
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        return texts
    }
}

/// The findings sort packs account rank, cycle and kind into one integer: its order must be
/// exactly byte order of the rows' fields, for accounts that share prefixes, hold NUL or
/// non-ASCII bytes, or run past eight bytes, on both the plain and the two-thread path.
@Suite struct FindingsSortTests {
    static func randomFindings(_ count: Int, seed: UInt64) -> [Finding] {
        var random = SeededRandom(seed: seed)
        let accounts = TrickyTexts.make(random: 60, maxLength: 11, &random)
        let rules: [Rule] = [.unitInflation, .rateInflation, .duplicateCharge, .undercharge, .unfiledItem]
        let cycles: [Int32] = [202_512, 202_601, 202_610, 99_912, 100_001]
        return (0..<count).map { index in
            let kind: RecordKind = random.next() % 3 == 0 ? .charge : .usage
            let amount = Int64(random.next() % 5_000)
            return Finding(
                kind: kind,
                recordID: random.next() % 2 == 0 ? "R\(random.next() % 40)" : "RECORD-00\(random.next() % 40)",
                account: accounts[Int(random.next() % UInt64(accounts.count))],
                cycle: cycles[Int(random.next() % 5)], rule: rules[Int(random.next() % 5)],
                billedQuantity: kind == .usage ? amount % 7 : nil, expectedQuantity: kind == .usage ? amount % 5 : nil,
                billedAmount: Money(micros: amount * 1_000), expectedAmount: Money(micros: amount * 600),
                overcharge: Money(micros: amount * 400),
                // Some details longer than a small string: their heap storage must survive the
                // sort's moves exactly once (a double free would crash, a lost one would not match).
                detail: index % 3 == 0
                    ? "billed more than the tariff allows, case \(index % 7)" : index % 2 == 0 ? "a" : "b",
                order: UInt64(index))
        }
    }

    /// The reference: rows compared as UTF-8 bytes field by field, nothing packed — account,
    /// cycle, kind, record_id, rule, then the other columns in order (DESIGN.md §5).
    static func referenceSorted(_ findings: [Finding], _ catalog: TariffCatalog) -> [[String]] {
        let keyOrder = [2, 3, 0, 1, 4] + Array(5..<12)
        return findings.map { ReportOrder.fields($0, catalog) }.sorted { a, b in
            for column in keyOrder where a[column] != b[column] {
                return Array(a[column].utf8).lexicographicallyPrecedes(Array(b[column].utf8))
            }
            return false
        }
    }

    @Test(arguments: [0, 1, 2, 3_000, 60_001])
    func sortIsByteOrderOfTheRows(count: Int) throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let findings = Self.randomFindings(count, seed: UInt64(count) + 11)
        let sorted = ReportOrder.sorted(findings, catalog)
        #expect(sorted.count == findings.count)
        let rows = sorted.map { ReportOrder.fields($0, catalog) }
        let reference = Self.referenceSorted(findings, catalog)
        Self.expectSameRows(rows, reference)
    }

    /// The rows equal the reference's, reporting the first differing row, not a diff of the whole
    /// arrays (slow to compute for 60k rows).
    static func expectSameRows(
        _ rows: [[String]], _ reference: [[String]], _ context: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(rows.count == reference.count, sourceLocation: sourceLocation)
        let mismatch = zip(rows, reference).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            mismatch == nil,
            "\(context)row \(mismatch?.offset ?? -1): \(mismatch.map { "\($0.element.0) vs \($0.element.1)" } ?? "")",
            sourceLocation: sourceLocation)
    }

    /// Rows alike in all five key columns (an input given twice, say) are ordered by the rest of
    /// the row as written — compared column by column without formatting whole rows — even
    /// where two amounts differ by less than the precision and so write the same text, and
    /// their refunds (the factor applied before rounding) may not.
    @Test(arguments: [UInt64(1), 2, 3])
    func tiesOnTheKeysFollowTheRestOfTheRowAsWritten(seed: UInt64) throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        var random = SeededRandom(seed: seed)
        let findings = (0..<3000).map { index in
            let quantity: Int64? = random.next() % 4 == 0 ? nil : Int64(random.next() % 3)
            return Finding(
                kind: .usage, recordID: "R\(random.next() % 3)", account: "A", cycle: 202_610,
                rule: random.next() % 2 == 0 ? .duplicateCharge : .rateInflation, billedQuantity: quantity,
                expectedQuantity: Int64(random.next() % 2), billedAmount: Money(micros: Int64(random.next() % 4000)),
                expectedAmount: Money(micros: Int64(random.next() % 1500)),
                overcharge: Money(micros: Int64(random.next() % 2500)),
                detail: ["repeats R0", "repeats R1", "b"][Int(random.next() % 3)], order: UInt64(index))
        }
        let rows = ReportOrder.sorted(findings, catalog).map { ReportOrder.fields($0, catalog) }
        let reference = Self.referenceSorted(findings, catalog)
        Self.expectSameRows(rows, reference)
    }

    /// The two halves' accounts merged into one byte-order ranking: shared accounts take one
    /// rank, accounts of one half only fit between, and "é" written two ways (the same `String`
    /// to Swift, different bytes) are two accounts.
    @Test func accountRanksMergeTheHalvesInByteOrder() {
        func part(_ accounts: [String]) -> (accounts: [String], sorted: [Int32]) {
            (
                accounts,
                (0..<Int32(accounts.count)).sorted { ReportOrder.precedes(accounts[Int($0)], accounts[Int($1)]) }
            )
        }
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        let left = part(["B", "A", "D", composed])
        let right = part(["C", "A", "E", decomposed, "D"])
        // Byte order: A, B, C, D, E, e+U+0301 (0x65…), U+00E9 (0xC3…).
        #expect(ReportOrder.accountRanks([left, right]) == [[1, 0, 3, 6], [2, 0, 4, 5, 3]])
        #expect(ReportOrder.accountRanks([left]) == [[1, 0, 2, 3]])
        #expect(ReportOrder.accountRanks([part([]), right]) == [[], [1, 0, 3, 4, 2]])
    }

    /// A ledger of findings in report order keeps its rows as they come (no table, no sort); any
    /// other order goes through a table. Both give the same rows, counts and sums, and JSON
    /// round trips keep them.
    @Test(arguments: [UInt64(5), 6])
    func ledgerRowsAreTheSameFromSortedAndShuffledFindings(seed: UInt64) throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let findings = Self.randomFindings(4000, seed: seed)
        let sorted = RefundLedger(ReportOrder.sorted(findings, catalog))
        var random = SeededRandom(seed: seed)
        let shuffled = RefundLedger(findings.shuffled(using: &random))
        func rows(_ ledger: RefundLedger) -> [String] { ledger.sortedRows.map { "\($0.0) \($0.1)" } }
        #expect(!rows(sorted).isEmpty && rows(sorted) == rows(shuffled))
        #expect(sorted == shuffled && sorted.count == shuffled.count)
        #expect(sorted.refundRows(factor: catalog.refundFactor) == shuffled.refundRows(factor: catalog.refundFactor))
        let decoded = try JSONDecoder().decode(RefundLedger.self, from: try JSONEncoder().encode(sorted))
        #expect(rows(decoded) == rows(sorted))
        var merged = sorted
        merged.merge(shuffled)
        #expect(merged.sortedRows.map(\.1.findings) == sorted.sortedRows.map { 2 * $0.1.findings })
    }

    /// The sort numbers accounts in first-seen order through its own table: every distinct byte
    /// string one id, across the table's growth, and "é" written two ways two ids.
    @Test func accountIDsNumberEachDistinctTextOnce() {
        var table = ReportOrder.AccountIDs()
        let accounts = (0..<50_000).map { "A\($0 * 7919 % 50_000)" } + ["caf\u{E9}", "cafe\u{301}", ""]
        for (index, account) in accounts.enumerated() { #expect(table.id(of: account) == Int32(index)) }
        for (index, account) in accounts.enumerated().reversed() { #expect(table.id(of: account) == Int32(index)) }
        #expect(table.accounts.count == accounts.count)
        #expect(table.accounts.map { Array($0.utf8) } == accounts.map { Array($0.utf8) })
    }

    /// A worker sizes each chunk's buffer by its last chunk's findings, and a buffer more than
    /// half empty gives its slack back (buffers are kept to the end of the run).
    @Test func findingBuffersGiveBackSlackAndSizeTheNext() {
        let findings = Self.randomFindings(100, seed: 3)
        let roomy = FindingBuffer(capacity: 1000)
        for finding in findings { roomy.append(finding) }
        roomy.releaseSlack()
        #expect(roomy.capacity == 100 && roomy.findings == findings)
        #expect(roomy.roomForNext == 112)
        let full = FindingBuffer(capacity: 150)
        for finding in findings { full.append(finding) }
        full.releaseSlack()  // a third unused: kept
        #expect(full.capacity == 150 && full.findings == findings)
        let empty = FindingBuffer(capacity: 500)
        empty.releaseSlack()
        #expect(empty.capacity == 1 && empty.isEmpty && empty.roomForNext == FindingBuffer.defaultCapacity)
        empty.append(findings[0])
        #expect(empty.findings == [findings[0]])
    }

    /// The end of an audit sorts findings where the workers left them: spread over several
    /// buffers (one grown from a small capacity), by pointer, some slots left out (a
    /// duplicate's tentative finding). The result is the sort of the included findings, as
    /// pointers into the buffers: nothing moved, every slot as it was.
    @Test func findingsSortedInPlaceAcrossBuffers() throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let findings = Self.randomFindings(60_001, seed: 29)
        let buffers = [FindingBuffer(capacity: 1), FindingBuffer(capacity: 20_000), FindingBuffer()]
        for (index, finding) in findings.enumerated() { buffers[index % 3].append(finding) }
        #expect(buffers.map(\.count) == [20_001, 20_000, 20_000])
        var handles: [UnsafeMutablePointer<StoredFinding>] = []
        var included: [Finding] = []
        for buffer in buffers {
            for slot in 0..<buffer.count where slot % 10 != 3 {
                handles.append(buffer.base + slot)
                included.append(buffer.base[slot].finding)
            }
        }
        let sorted = ReportOrder.sorted(pointers: handles, catalog)
        #expect(Set(sorted) == Set(handles) && sorted.count == handles.count)
        #expect(sorted.map(\.pointee.finding) == ReportOrder.sorted(included, catalog))
        let list = FindingList(owners: buffers, ordered: sorted)
        #expect(Array(list) == ReportOrder.sorted(included, catalog))
        #expect(
            buffers.flatMap(\.findings)
                == (0..<3).flatMap { part in findings.indices.filter { $0 % 3 == part }.map { findings[$0] } })
        // A buffer travels as its findings' JSON, as a partial written to disk would.
        let decoded = try JSONDecoder().decode(FindingBuffer.self, from: JSONEncoder().encode(FindingBuffer(findings)))
        #expect(decoded.findings == findings)
    }
}

/// The record_id prefix shortcut of the findings sort never contradicts byte order.
@Suite struct TextPrefixTests {
    @Test func differingPrefixesAgreeWithByteOrder() {
        var random = SeededRandom(seed: 8)
        let texts = TrickyTexts.make(random: 400, maxLength: 10, &random)
        for a in texts {
            for b in texts {
                let pa = ReportOrder.textPrefix(a)
                let pb = ReportOrder.textPrefix(b)
                if pa != pb { #expect((pa < pb) == ReportOrder.precedes(a, b), "\(Array(a.utf8)) vs \(Array(b.utf8))") }
                if a == b { #expect(pa == pb) }
            }
        }
    }

    /// The prefix is the first eight bytes, big-endian, zero-padded — for small strings, native
    /// ones past 15 bytes (read in place) and texts shorter than eight bytes.
    @Test func prefixIsTheFirstEightBytes() {
        var random = SeededRandom(seed: 9)
        for text in TrickyTexts.make(random: 400, maxLength: 24, &random) {
            let bytes = Array(text.utf8.prefix(8)) + [UInt8](repeating: 0, count: max(0, 8 - text.utf8.count))
            let expected = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(ReportOrder.textPrefix(text) == expected, "\(Array(text.utf8))")
        }
    }
}

/// The refund ledger and the per-rule totals, against sums computed by hand, and the same
/// whatever order the findings come in (the ledger sums runs of equal keys when sorted).
@Suite struct ReportTotalsTests {
    func finding(_ account: String, _ cycle: Int32, _ rule: Rule, billed: Int64, expected: Int64) -> Finding {
        let overcharge = rule == .undercharge ? Money.zero : Money(micros: billed - expected)
        return Finding(
            kind: .usage, recordID: "R", account: account, cycle: cycle, rule: rule, billedQuantity: 1,
            expectedQuantity: 1, billedAmount: Money(micros: billed), expectedAmount: Money(micros: expected),
            overcharge: overcharge, detail: "", order: 0)
    }

    /// Two accounts whose names differ only in how "é" is encoded are two refunds.csv rows, by
    /// whichever path the ledger is built, and findings that differ only so sort by their bytes
    /// whatever order they arrive in.
    @Test func accountsAndTextsAreComparedByBytes() throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let composed = finding("Caf\u{E9}", 202_610, .rateInflation, billed: 300_000, expected: 200_000)
        let decomposed = finding("Cafe\u{301}", 202_610, .rateInflation, billed: 500_000, expected: 200_000)
        #expect(composed.account == decomposed.account)  // what Swift's `==` says
        for findings in [[decomposed, composed], [composed, decomposed]] {
            let sorted = ReportOrder.sorted(findings, catalog)
            #expect(
                sorted.map { Array($0.account.utf8) } == [Array(decomposed.account.utf8), Array(composed.account.utf8)])
            for ledger in [RefundLedger(sorted), RefundLedger(findings)] {
                #expect(ledger.count == 2)
                #expect(
                    ledger.sortedRows.map { $0.1.overcharge } == [MoneySum(micros: 300_000), MoneySum(micros: 100_000)])
            }
        }
        var a = composed
        var b = composed
        a.detail = "\u{E9}"
        b.detail = "e\u{301}"
        for findings in [[a, b], [b, a]] {
            #expect(
                ReportOrder.sorted(findings, catalog).map { Array($0.detail.utf8) } == [
                    Array(b.detail.utf8), Array(a.detail.utf8),
                ])
        }
    }

    @Test func ledgerAndTotalsByHand() {
        let findings = [
            finding("A1", 202_610, .rateInflation, billed: 500_000, expected: 200_000),  // 0.300
            finding("A1", 202_610, .unitInflation, billed: 120_000, expected: 100_000),  // 0.020
            finding("A1", 202_611, .rateInflation, billed: 90_000, expected: 80_000),  // 0.010
            finding("A1", 202_611, .duplicateCharge, billed: 0, expected: 0),  // overcharge 0: no ledger row
            finding("A2", 202_610, .undercharge, billed: 100_000, expected: 170_000),  // shortfall 0.070
            finding("A2", 202_610, .rateInflation, billed: 7_000, expected: 2_000),  // 0.005
            finding("A1", 202_610, .rateInflation, billed: 1_000, expected: 0),  // 0.001, out of its run
        ]
        let expected: [RefundLedger.Key: RefundLedger.Entry] = [
            .init(account: "A1", cycle: 202_610): .init(findings: 3, overcharge: MoneySum(micros: 321_000)),
            .init(account: "A1", cycle: 202_611): .init(findings: 1, overcharge: MoneySum(micros: 10_000)),
            .init(account: "A2", cycle: 202_610): .init(findings: 1, overcharge: MoneySum(micros: 5_000)),
        ]
        #expect(RefundLedger(findings).entries == expected)
        #expect(RefundLedger(findings.reversed()).entries == expected)
        var added = RefundLedger()
        for finding in findings { added.add(finding) }
        #expect(added.entries == expected)
        var merged = RefundLedger(Array(findings[..<3]))
        merged.merge(RefundLedger(Array(findings[3...])))
        #expect(merged.entries == expected)

        let totals = RuleTotals(findings)
        #expect(
            totals.entries[.rateInflation]!
                == .init(findings: 4, overcharge: MoneySum(micros: 316_000), shortfall: .zero))
        #expect(
            totals.entries[.unitInflation]!
                == .init(findings: 1, overcharge: MoneySum(micros: 20_000), shortfall: .zero))
        #expect(totals.entries[.duplicateCharge]! == .init(findings: 1, overcharge: .zero, shortfall: .zero))
        #expect(
            totals.entries[.undercharge]! == .init(findings: 1, overcharge: .zero, shortfall: MoneySum(micros: 70_000)))
        #expect(totals.entries[.unfiledItem]! == .init())
        #expect(totals.totalFindings == 7)
        #expect(totals.totalOvercharge == MoneySum(micros: 336_000))
    }

    /// `refund_rows` counts the rows refunds.csv holds: none when `refund_factor` is 0, though
    /// overcharges remain.
    @Test func refundRowsMatchTheRefundsFile() throws {
        let findings = [
            finding("A1", 202_610, .rateInflation, billed: 500_000, expected: 200_000),
            finding("A2", 202_610, .rateInflation, billed: 7_000, expected: 2_000),
            finding("A3", 202_610, .undercharge, billed: 1_000, expected: 2_000),
        ]
        let ledger = RefundLedger(findings)
        var catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let folder = TempFolder()
        for (factor, rows) in [(Int64(2_000_000), 2), (0, 0)] {
            catalog.refundFactor = Money(micros: factor)
            #expect(ledger.refundRows(factor: catalog.refundFactor) == rows)
            try ReportWriter.writeRefunds(ledger, catalog, to: folder.path + "/refunds.csv")
            let written = try String(contentsOfFile: folder.path + "/refunds.csv", encoding: .utf8)
            #expect(written.split(separator: "\n").count == rows + 1, "factor \(factor)")
            let result = AuditResult(
                catalog: catalog, findings: findings, rows: [:], rejects: [], files: [], startedAt: Date(),
                finishedAt: Date(), duplicateIndexBytes: 0, duplicateIndexRecords: 0)
            #expect(
                SummaryJSON.text(result, ledger: ledger, catalogPath: "c.yaml").contains("\"refund_rows\": \(rows)}"))
        }
    }

    /// Sums past 64 bits stay exact: twelve overcharges of the largest billed amount (12 integer
    /// digits) and ten credits of its negative, which overflowed `Money` and stopped the run.
    @Test func sumsPastSixtyFourBitsStayExact() throws {
        let largest: Int64 = 999_999_999_999_999_000  // 999999999999.999
        let findings =
            (0..<12).map { _ in finding("A1", 202_610, .rateInflation, billed: largest, expected: 0) }
            + (0..<10).map { _ in finding("A2", 202_610, .undercharge, billed: -largest, expected: 0) }
        let twelve = Int128(largest) * 12  // 11999999999999.988, above Int64.max micros
        let ledger = RefundLedger(findings)
        #expect(
            ledger.entries[.init(account: "A1", cycle: 202_610)]
                == .init(findings: 12, overcharge: .init(micros: twelve)))
        let totals = RuleTotals(findings)
        #expect(totals.totalOvercharge == MoneySum(micros: twelve))
        #expect(totals.entries[.undercharge]!.shortfall == MoneySum(micros: Int128(largest) * 10))

        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let folder = TempFolder()
        try ReportWriter.writeRefunds(ledger, catalog, to: folder.path + "/refunds.csv")
        let refunds = try String(contentsOfFile: folder.path + "/refunds.csv", encoding: .utf8)
        // The demo catalog: 3 decimals, half up, factor 2.
        #expect(
            refunds == "account,cycle,findings,overcharge,refund\nA1,2026-10,12,11999999999999.988,23999999999999.976\n"
        )
        #expect(ExactAmount(MoneySum(micros: -twelve)).formatted(catalog.precision, .halfUp) == "-11999999999999.988")
        let summary = AuditSummaryText.text(
            AuditResult(
                catalog: catalog, findings: findings, rows: [:], rejects: [], files: [], startedAt: Date(),
                finishedAt: Date(), duplicateIndexBytes: 0, duplicateIndexRecords: 0), out: "out")
        #expect(summary.contains(" 11999999999999.988 23999999999999.976"))

        // A finding's own refund past 64 bits (factor 1000, the largest the loader accepts).
        var thousandfold = catalog
        thousandfold.refundFactor = Money(micros: 1000 * Money.scale)
        var out = ByteWriter()
        FindingRow.append(findings[0], thousandfold, to: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self).contains(",999999999999.999,999999999999999.000,"))

    }

    @Test func precedenceIsDeclarationOrder() {
        #expect(Rule.allCases.map(\.precedence) == Array(Rule.allCases.indices))
        #expect(Rule.allCases == Rule.allCases.sorted())
    }
}

/// The byte formatter of findings.csv rows writes exactly the fields the sort compares, quoted
/// as CSV: negative and fractional amounts, missing quantities, quotes and commas in text.
@Suite struct FindingRowTests {
    @Test func bytesAreTheCSVOfTheFields() throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        var findings = FindingsSortTests.randomFindings(500, seed: 77)
        findings.append(
            Finding(
                kind: .charge, recordID: "I\"1,2", account: "A\nB", cycle: 202_602, rule: .itemOverpriced,
                billedQuantity: nil, expectedQuantity: nil, billedAmount: Money(micros: -1_234_567),
                expectedAmount: Money(micros: 999_999_999_999), overcharge: Money(micros: 1_500),
                detail: "say \"hi\", twice", order: 0))
        for finding in findings {
            var out = ByteWriter()
            FindingRow.append(finding, catalog, to: &out)
            #expect(String(decoding: out.bytes, as: UTF8.self) == CSVText.row(ReportOrder.fields(finding, catalog)))
        }
    }
}

extension FindingRowTests {
    /// The refund column's 64-bit shortcut (whole-micros products) against the exact path, for
    /// factors whose products are whole micros, fractions of a micro, or overflow 64 bits.
    @Test(arguments: [
        (Int64(2_000_000), RoundingMode.halfUp), (1_500_000, .halfUp), (333_333, .halfUp), (3_141_593, .down),
        (3_141_593, .up), (1, .halfUp), (1_000_001, .up), (1_000_001, .halfUp),
    ])
    func refundAndAmountsMatchTheExactPath(factor: Int64, rounding: RoundingMode) throws {
        var catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        catalog.refundFactor = Money(micros: factor)
        catalog.rounding = rounding
        let overcharges: [Int64] = [
            0, 1, 499, 500, 501, 999, 1_000, 1_001, 10_000, 4_999_995, 1_234_567, -1_500, -2_501, 5_000_000_000_000,
            -5_000_000_000_000,
            Int64.max / 1_000_000, 2_951_479_051_793,
        ]
        for micros in overcharges {
            let finding = Finding(
                kind: .usage, recordID: "R1", account: "A1", cycle: 202_610, rule: .rateInflation, billedQuantity: 60,
                expectedQuantity: 60, billedAmount: Money(micros: micros), expectedAmount: .zero,
                overcharge: Money(micros: micros), detail: "rate", order: 0)
            var out = ByteWriter()
            FindingRow.append(finding, catalog, to: &out)
            #expect(
                String(decoding: out.bytes, as: UTF8.self) == CSVText.row(ReportOrder.fields(finding, catalog)),
                "overcharge \(micros) micros")
            let exact = ExactAmount(Money(micros: micros)).times(catalog.refundFactor)
            #expect(
                FindingRow.refund(Money(micros: micros), catalog) == exact.roundedMicros(catalog.precision, rounding))
        }
    }

    /// Hand-computed rows at 0.001 precision, half-up: a refund factor of 1.5 on 0.0015
    /// (2250 micros → 0.00225 → 0.002) and on 0.0017 (2550 micros → 0.003).
    @Test func refundRoundsOnceAfterTheFactor() throws {
        var catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        catalog.refundFactor = Money(micros: 1_500_000)
        catalog.precision = AmountPrecision(fractionDigits: 3)
        catalog.rounding = .halfUp
        #expect(FindingRow.refund(Money(micros: 1_500), catalog) == 2_000)
        #expect(FindingRow.refund(Money(micros: 1_700), catalog) == 3_000)
        #expect(FindingRow.refund(Money(micros: -1_700), catalog) == -3_000)
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
        var rows = ByteWriter()
        for finding in findings { FindingRow.append(finding, catalog, to: &rows) }
        let expected =
            Array(
                ("kind,record_id,account,cycle,rule,billed_quantity,expected_quantity,billed_amount,expected_amount,"
                    + "overcharge,refund,detail\n").utf8) + rows.bytes
        let written = try inflateWhole(path)
        #expect(written.count == expected.count)
        #expect(written == expected)
    }
}

extension FindingsSortTests {
    /// record_ids that share long prefixes (a date and a switch, as real ids do), of every length
    /// around the shared part and the eight-byte words after it, with NUL, control and
    /// multi-byte bytes where zero padding could tie: the sort keys them from the shared prefix
    /// and resolves ties word by word, and must still give byte order of the rows.
    static func longIDFindings(_ count: Int, seed: UInt64, prefix: String) -> [Finding] {
        var random = SeededRandom(seed: seed)
        let tails = TrickyTexts.make(random: 400, maxLength: 30, &random)
        let rules: [Rule] = [.unitInflation, .duplicateCharge, .rateInflation]
        return (0..<count).map { index in
            let tail = tails[Int(random.next() % UInt64(tails.count))]
            // Most ids one long prefix; some cut inside it (the shared prefix then shrinks).
            let id = random.next() % 50 == 0 ? String(prefix.prefix(Int(random.next() % 12))) : prefix + tail
            return Finding(
                kind: .usage, recordID: id, account: "A\(random.next() % 3)", cycle: 202_610,
                rule: rules[Int(random.next() % 3)], billedQuantity: 60, expectedQuantity: 60,
                billedAmount: Money(micros: Int64(random.next() % 900)), expectedAmount: .zero,
                overcharge: Money(micros: Int64(random.next() % 900)), detail: "d", order: UInt64(index))
        }
    }

    @Test(arguments: [(2, UInt64(1)), (500, 2), (3_000, 3), (60_001, 4)])
    func longSharedRecordIDPrefixesSortInByteOrder(count: Int, seed: UInt64) throws {
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        for prefix in ["CDR-2026-11-30-SW", "R", "CDR-2026-11-30-SWITCH-07-"] {
            let findings = Self.longIDFindings(count, seed: seed, prefix: prefix)
            let rows = ReportOrder.sorted(findings, catalog).map { ReportOrder.fields($0, catalog) }
            let reference = Self.referenceSorted(findings, catalog)
            Self.expectSameRows(rows, reference, "prefix \(prefix), ")
        }
    }

    /// The shared prefix is counted in bytes, merges across parts, and shrinks to what every
    /// text has (a shorter text, one that differs inside a multi-byte character).
    @Test func sharedPrefixIsTheBytesEveryTextStartsWith() {
        func shared(_ texts: [String]) -> Int {
            var prefix = ReportOrder.SharedPrefix()
            for text in texts { prefix.add(text) }
            return prefix.count
        }
        #expect(shared([]) == 0)
        #expect(shared(["CDR-1"]) == 5)
        #expect(shared(["CDR-1", "CDR-2", "CDR-10"]) == 4)
        #expect(shared(["CDR-1", "CDR"]) == 3)
        #expect(shared(["é1", "é2"]) == 2)  // "é" is two bytes
        #expect(shared(["é", "\u{E8}"]) == 1)  // é and è share their first byte
        #expect(shared(["", "A"]) == 0)
        var left = ReportOrder.SharedPrefix()
        for text in ["SW01-0001", "SW01-0002"] { left.add(text) }
        var right = ReportOrder.SharedPrefix()
        for text in ["SW01-1001", "SW01-10"] { right.add(text) }
        left.add(right)
        #expect(left.count == 5)
        var empty = ReportOrder.SharedPrefix()
        empty.add(ReportOrder.SharedPrefix())
        #expect(empty.count == 0)
        empty.add(right)
        #expect(empty.count == right.count)
    }
}
