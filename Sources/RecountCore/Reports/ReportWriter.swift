import CByteScan
import CZlib
import Foundation

/// Writes the four reports of DESIGN.md §5 into a temporary folder beside the output folder and
/// moves it into place only when all are complete: a failed run never leaves a half-written
/// report that looks whole, and an existing report is replaced only on success.
public enum ReportWriter {
    public static func write(_ result: AuditResult, to outFolder: String, catalogPath: String) throws(OutputError) {
        let outURL = URL(fileURLWithPath: outFolder).standardizedFileURL
        let parent = outURL.deletingLastPathComponent().path
        let name = outURL.lastPathComponent
        let temporary = parent + "/." + name + ".tmp-" + String(getpid())
        try? FileManager.default.removeItem(atPath: temporary)
        // The folders on the way first, so that a failure names the user's path, not the temporary one.
        try OutputPlace.makeFolders(parent)
        try OutputPlace.makeFolders(temporary)
        do throws(OutputError) {
            // The ledger and the three small reports on a pool thread, findings.csv.gz on this
            // one. Not two sides of one `concurrentPerform`: libdispatch runs a `concurrentPerform`
            // nested in another serially, and the findings file's formatting and compression are
            // each a `concurrentPerform` that should have every core.
            let failures = TaskSlots<OutputError?>(count: 2, repeating: nil)
            let smallReports = DispatchGroup()
            DispatchQueue.global().async(group: smallReports) {
                do throws(OutputError) {
                    let ledger = RefundLedger(result.findings)
                    try writeRefunds(ledger, result.catalog, to: temporary + "/refunds.csv")
                    try writeRejects(result, to: temporary + "/rejects.csv")
                    try FileSink.writeWhole(
                        SummaryJSON.text(result, ledger: ledger, catalogPath: catalogPath),
                        to: temporary + "/summary.json")
                } catch {
                    failures[1] = error
                }
            }
            do throws(OutputError) {
                try writeFindings(result, to: temporary + "/findings.csv.gz")
            } catch {
                failures[0] = error
            }
            smallReports.wait()
            // The findings file's error first, as when the reports were written one after another.
            if let error = failures[0] ?? failures[1] { throw error }
            try place(temporary, at: outURL.path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Findings per slice, and so per gzip member of findings.csv.gz (~2 MB of CSV).
    static let findingsSliceSize = 16_384

    /// How many rows ahead the findings file asks for a finding's memory.
    static let prefetchDistance = 8
    /// How many rows ahead it asks for a long record_id's bytes (`FindingText.outside`).
    static let textPrefetchDistance = 4

    static func writeFindings(_ result: AuditResult, to path: String) throws(OutputError) {
        let sink = try FileSink(path: path)
        // Each slice of findings is formatted straight into bytes and compressed as one gzip
        // member by the same task, on all cores at once; this thread only writes the members in
        // order, a window of slices at a time, so memory stays a few MB however many findings
        // there are. (Formatting, then copying into 1 MiB blocks, then compressing them were
        // three passes with serial copies between them.) Slices are fixed runs of findings, so
        // the file is the same bytes for any thread count; the header row opens the first.
        let findings = result.findings
        let sliceSize = findingsSliceSize
        let window = 8
        let header = Array(
            ("kind,record_id,account,cycle,rule,billed_quantity,expected_quantity,billed_amount,expected_amount,"
                + "overcharge,refund,detail\n").utf8)
        var deflaters: [IsalDeflater] = []
        for _ in 0..<window { deflaters.append(try IsalDeflater(level: 1, path: path)) }
        let work = SliceWork(deflaters: deflaters)
        let slices = Array(stride(from: 0, to: max(findings.count, 1), by: sliceSize))
        var first = 0
        while first < slices.count {
            let batch = Array(slices[first..<min(slices.count, first + window)])
            let members = TaskSlots<Result<[UInt8], OutputError>?>(count: batch.count, repeating: nil)
            DispatchQueue.concurrentPerform(iterations: batch.count) { index in
                let start = batch[index]
                var out = ByteWriter(capacity: sliceSize * 128)
                if start == 0 { header.withUnsafeBytes { out.raw($0) } }
                findings.withFindings { all in
                    let end = min(all.count, start + sliceSize)
                    for position in start..<end {
                        if position &+ prefetchDistance < end {
                            recount_prefetch_range(all[position &+ prefetchDistance], MemoryLayout<StoredFinding>.size)
                        }
                        // A record_id past 15 bytes is in its buffer's text blocks: asked for once
                        // the finding itself has had time to arrive.
                        if position &+ textPrefetchDistance < end,
                            let text = all[position &+ textPrefetchDistance].pointee.recordID.outside
                        {
                            recount_prefetch_range(text.baseAddress, text.count)
                        }
                        FindingRow.append(all[position], result.catalog, to: &out)
                    }
                }
                do throws(OutputError) {
                    members[index] = .success(Array(try work.deflaters[index].member(out.written, path: path)))
                } catch {
                    members[index] = .failure(error)
                }
            }
            for member in members.elements {
                switch member {
                case .success(let bytes): try sink.write(bytes)
                case .failure(let error): throw error
                case .none: break
                }
            }
            first += window
        }
        try sink.sync()
        try sink.close()
    }

    /// The deflaters of one window's tasks: task `k` uses only `deflaters[k]`.
    private struct SliceWork: @unchecked Sendable {
        let deflaters: [IsalDeflater]
    }

    static func writeRefunds(_ ledger: RefundLedger, _ catalog: TariffCatalog, to path: String) throws(OutputError) {
        var out = ByteWriter(capacity: 64 * (ledger.count + 1))
        Array("account,cycle,findings,overcharge,refund\n".utf8).withUnsafeBytes { out.raw($0) }
        for (key, entry) in ledger.sortedRows {
            guard RefundLedger.owesRefund(entry, factor: catalog.refundFactor) else { continue }
            out.write(
                reserving: ByteCursor.csvFieldBound(key.account.utf8.count) + 2 * ByteCursor.decimalBound + 2
                    * ByteCursor.wideDecimalBound + 8
            ) {
                row in
                row.csvField(key.account)
                row.byte(0x2c)
                row.cycle(key.cycle)
                row.byte(0x2c)
                row.decimal(UInt64(entry.findings))
                row.byte(0x2c)
                row.amount(
                    wide: FindingRow.rounded(entry.overcharge, catalog.precision, catalog.rounding), catalog.precision)
                row.byte(0x2c)
                row.amount(wide: FindingRow.refund(entry.overcharge, catalog), catalog.precision)
                row.byte(0x0a)
            }
        }
        let sink = try FileSink(path: path)
        try sink.write(out.written)
        try sink.sync()
        try sink.close()
    }

    static func writeRejects(_ result: AuditResult, to path: String) throws(OutputError) {
        var text = "file,line,reason,raw\n"
        for reject in result.rejects {
            text += CSVText.row([
                result.files[reject.file].path, String(reject.line), reject.reason,
                String(decoding: reject.raw, as: UTF8.self),
            ])
        }
        try FileSink.writeWhole(text, to: path)
    }

    /// Moves the finished folder to `destination`, swapping it atomically with an existing one.
    /// Every file in the temporary folder is on disk (`FileSink.sync`), and so is the folder's
    /// list of them before the swap, and the parent's after it: a crash at any point leaves the
    /// earlier report or the whole new one.
    static func place(_ temporary: String, at destination: String) throws(OutputError) {
        try Durable.syncFolder(temporary)
        let parent = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        if FileManager.default.fileExists(atPath: destination) {
            guard renameat2(AT_FDCWD, temporary, AT_FDCWD, destination, UInt32(RENAME_EXCHANGE)) == 0 else {
                throw .cannotPlace(path: destination, reason: String(cString: strerror(errno)))
            }
            try Durable.syncFolder(parent)
            // The old report now sits at the temporary path.
            try? FileManager.default.removeItem(atPath: temporary)
        } else {
            guard rename(temporary, destination) == 0 else {
                throw .cannotPlace(path: destination, reason: String(cString: strerror(errno)))
            }
            try Durable.syncFolder(parent)
        }
    }
}

extension FileSink {
    static func writeWhole(_ text: String, to path: String) throws(OutputError) {
        let sink = try FileSink(path: path)
        try sink.write(text)
        try sink.sync()
        try sink.close()
    }
}
