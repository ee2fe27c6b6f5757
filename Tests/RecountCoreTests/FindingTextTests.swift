import Foundation
import Testing

@testable import RecountCore

/// A finding's record_id and account are bytes its buffer holds (`FindingText`): inline up to
/// 15, in the buffer's blocks past that, read as UTF-8 exactly as `String(decoding:as:)` reads
/// them, and the same in every report as when they were `String`s.
@Suite struct FindingTextTests {
    /// `String(decoding:as:)`'s bytes: what a finding's text must hold.
    static func decoded(_ bytes: [UInt8]) -> [UInt8] { Array(String(decoding: bytes, as: UTF8.self).utf8) }

    static func held(_ text: FindingText) -> [UInt8] { text.withBytes { Array($0) } }

    @Test func layoutStaysSmall() {
        #expect(MemoryLayout<FindingText>.size == 16)
        #expect(MemoryLayout<StoredFinding>.stride == 104)
    }

    /// Every length from 0 to 40 at every starting offset (the inline loads read around the
    /// bytes): inline up to 15 bytes, outside past that, read back as given.
    @Test func everyLengthReadsBack() {
        var random = SeededRandom(seed: 41)
        let pool = (0..<64).map { _ in UInt8(0x20 + random.next() % 0x5F) }
        let buffer = FindingBuffer()
        for count in 0...40 {
            for offset in 0..<8 {
                let bytes = Array(pool[offset..<(offset + count)])
                let text = bytes.withUnsafeBytes { buffer.text($0) }
                #expect(text.count == count && text.isInline == (count <= FindingText.inlineCapacity))
                #expect(Self.held(text) == bytes, "length \(count) at \(offset)")
                #expect(text.string == String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// Bytes that are not UTF-8 become U+FFFD as `String(decoding:as:)` makes them — short and
    /// long texts, a bad byte at either end or inside a multi-byte character — and valid
    /// multi-byte text is kept byte for byte.
    @Test func invalidUTF8IsRepairedAsStringsRepairIt() {
        let cases: [[UInt8]] = [
            [0x41, 0xFF, 0x42],
            [0xE2, 0x82],
            [0xC0, 0xAF],
            [0xED, 0xA0, 0x80],
            Array("CDR-2026-10-SW07-".utf8) + [0xF0, 0x9F, 0x98],
            [0x80] + Array("0000000001234567".utf8),
            Array("caf\u{E9}-\u{1F600}-0000000000012".utf8),
            Array("\u{E9}".utf8),
        ]
        let buffer = FindingBuffer()
        for bytes in cases {
            let text = bytes.withUnsafeBytes { buffer.text($0) }
            #expect(Self.held(text) == Self.decoded(bytes), "\(bytes)")
        }
    }

    /// Texts stay where they were placed while the buffer grows, gives back slack and fills
    /// block after block — one text larger than a whole block included — and `findings`
    /// gives back what was appended.
    @Test func textsStayPutAsTheBufferGrows() {
        var random = SeededRandom(seed: 42)
        let buffer = FindingBuffer(capacity: 1)
        var appended: [Finding] = []
        for index in 0..<5_000 {
            let length = index == 2_500 ? FindingBuffer.largestTextBlock + 7 : 1 + Int(random.next() % 80)
            let id = String((0..<length).map { _ in Character(UnicodeScalar(UInt8(0x41 + random.next() % 26))) })
            let finding = Finding(
                kind: .usage, recordID: id, account: "ACCOUNT-\(index % 97)-with-a-long-name", cycle: 202_610,
                rule: .rateInflation, billedQuantity: 60, expectedQuantity: 60, billedAmount: Money(micros: 2),
                expectedAmount: Money(micros: 1), overcharge: Money(micros: 1), detail: "d", order: UInt64(index))
            buffer.append(finding)
            appended.append(finding)
        }
        buffer.releaseSlack()
        #expect(buffer.findings == appended)
        #expect((0..<buffer.count).allSatisfy { buffer.base[$0].recordID.string == appended[$0].recordID })
    }

    /// Through a whole audit: long record_ids (UUIDs, a shared prefix), a short one, one with a
    /// byte that is not UTF-8 and one with multi-byte characters; two ids given twice (one of them not UTF-8), so their
    /// duplicates' findings are built from the index. Each finding reads as the `String` of its
    /// bytes, and findings.csv's rows are `fields` written as CSV.
    @Test(arguments: [1, 2])
    func longAndOddRecordIDsThroughTheAudit(threads: Int) throws {
        let folder = TempFolder()
        let header =
            "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,"
            + "billed_amount,cycle\n"
        let ids: [[UInt8]] = [
            Array("5f0c9a7e-3b1d-4c2a-9e8f-0123456789ab".utf8),
            Array("CDR-2026-10-SW07-00000000001".utf8),
            Array("U1".utf8),
            Array("BAD-".utf8) + [0xFF] + Array("-0000000000000009".utf8),
            Array("caf\u{E9}-\u{1F600}-0000000000012".utf8),
            Array("5f0c9a7e-3b1d-4c2a-9e8f-0123456789ab".utf8),
            Array("BAD-".utf8) + [0xFF] + Array("-0000000000000009".utf8),
        ]
        var bytes = Array(header.utf8)
        for (index, id) in ids.enumerated() {
            bytes += id
            bytes += Array(
                ",ACCOUNT-WITH-A-LONG-NAME-\(index % 2),S,voice,2026-10-05T1\(index):00:00,60,0,8613800138000,60,9.99,\n"
                    .utf8)
        }
        let usage = folder.write("u.csv", bytes)
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let result = try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: [InputFile(kind: .usage, path: usage)],
                pipeline: PipelineOptions(threads: threads, maxRejects: 0)))
        let findings = Array(result.findings)
        #expect(findings.count == ids.count)
        #expect(
            findings.map(\.recordID).sorted() == ids.map { String(decoding: $0, as: UTF8.self) }.sorted())
        #expect(
            findings.filter { $0.rule == .duplicateCharge }.map(\.recordID).sorted()
                == [ids[0], ids[3]].map { String(decoding: $0, as: UTF8.self) }.sorted())
        #expect(findings.allSatisfy { $0.account.hasPrefix("ACCOUNT-WITH-A-LONG-NAME-") })
        #expect(findings.contains { $0.recordID == "BAD-\u{FFFD}-0000000000000009" })
        var rows = ByteWriter()
        result.findings.withFindings { all in
            for finding in all { FindingRow.append(finding, catalog, to: &rows) }
        }
        let expected = findings.map { CSVText.row(ReportOrder.fields($0, catalog)) }.joined()
        #expect(String(decoding: rows.bytes, as: UTF8.self) == expected)
        #expect(findings == ReportOrder.sorted(findings, catalog))
    }

    /// Hex ids the duplicate index packs as tokens — a UUID after a prefix, an uppercase UUID,
    /// SHA-1 digests in both cases — as record_ids and accounts, each record given twice (a
    /// record_id duplicate) and one a content duplicate under a new record_id: every duplicate's
    /// finding, built from the index, reads its record_id and account exactly as written.
    @Test func hexIDsThroughTheIndex() throws {
        let folder = TempFolder()
        let ids = [
            "CDR-5f0c9a7e-3b1d-4c2a-9e8f-0123456789ab", "5F0C9A7E-3B1D-4C2A-9E8F-0123456789AB",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
        ]
        let accounts = ["CUST-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D", "0123456789abcdef0123456789abcdef"]
        var text =
            "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,"
            + "billed_amount,cycle\n"
        var expected: [(String, String, Rule)] = []
        for (index, id) in ids.enumerated() {
            let account = accounts[index % 2]
            let row = ",\(account),S,voice,2026-10-05T1\(index):00:00,60,0,8613800138000,60,9.99,\n"
            text += id + row + id + row
            expected += [(id, account, .rateInflation), (id, account, .duplicateCharge)]
        }
        // Same content as the first record under another id: a duplicate by content.
        text += "X-1,\(accounts[0]),S,voice,2026-10-05T10:00:00,60,0,8613800138000,60,9.99,\n"
        expected.append(("X-1", accounts[0], .duplicateCharge))
        let usage = folder.write("u.csv", text)
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let result = try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: [InputFile(kind: .usage, path: usage)],
                pipeline: PipelineOptions(threads: 1, maxRejects: 0)))
        let found = Array(result.findings).map { "\($0.recordID) \($0.account) \($0.rule)" }.sorted()
        #expect(found == expected.map { "\($0.0) \($0.1) \($0.2)" }.sorted())
    }

    /// An empty account (the decoder allows one) reads back empty on both paths: the stream's
    /// finding and the duplicate's, unpacked from an empty field of its index entry.
    @Test func emptyAccountOnBothPaths() throws {
        let folder = TempFolder()
        let usage = folder.write(
            "u.csv",
            "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,billed_amount,cycle\n"
                + "X1,,S,voice,2026-10-05T10:00:00,60,0,8613800138000,60,9.99,\n"
                + "X1,,S,voice,2026-10-05T11:00:00,60,0,8613800138000,60,9.99,\n")
        let catalog = try TariffCatalog.load(path: TestPaths.root + "/testdata/demo/catalog.yaml")
        let result = try AuditRun.run(
            AuditConfiguration(
                catalog: catalog, files: [InputFile(kind: .usage, path: usage)],
                pipeline: PipelineOptions(threads: 1, maxRejects: 0)))
        let findings = Array(result.findings)
        #expect(findings.map(\.rule) == [.duplicateCharge, .rateInflation])
        #expect(findings.allSatisfy { $0.account.isEmpty && $0.recordID == "X1" })
    }
}
