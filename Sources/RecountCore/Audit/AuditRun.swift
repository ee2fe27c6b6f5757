import Foundation

/// Everything an audit run needs to know.
public struct AuditConfiguration: Sendable {
    public var catalog: TariffCatalog
    public var files: [InputFile]
    public var pipeline: PipelineOptions

    public init(catalog: TariffCatalog, files: [InputFile], pipeline: PipelineOptions) {
        self.catalog = catalog
        self.files = files
        self.pipeline = pipeline
    }
}

/// The outcome of an audit: every finding (sorted as the reports write them), row accounting,
/// rejects and input facts.
public struct AuditResult: Sendable {
    public var catalog: TariffCatalog
    public var findings: FindingList
    /// Findings, overcharge, refund and shortfall per rule (of `findings`).
    public var ruleTotals: RuleTotals
    public var rows: [RecordKind: RowCounts]
    public var rejects: [Reject]
    public var files: [FileStats]
    public var startedAt: Date
    public var finishedAt: Date
    /// Bytes held by the duplicate index at the end (entries + slots).
    public var duplicateIndexBytes: Int
    /// Usage records the duplicate index holds.
    public var duplicateIndexRecords: Int
}

extension AuditResult {
    /// A result holding `findings` as given (in the order given).
    public init(
        catalog: TariffCatalog, findings: [Finding], rows: [RecordKind: RowCounts], rejects: [Reject],
        files: [FileStats], startedAt: Date, finishedAt: Date, duplicateIndexBytes: Int, duplicateIndexRecords: Int
    ) {
        let list = FindingList(findings)
        self.init(
            catalog: catalog, findings: list, ruleTotals: RuleTotals(list), rows: rows, rejects: rejects, files: files,
            startedAt: startedAt, finishedAt: finishedAt, duplicateIndexBytes: duplicateIndexBytes,
            duplicateIndexRecords: duplicateIndexRecords)
    }
}

/// Runs the audit of DESIGN.md §1: small inputs first, then usage and charge files streamed
/// through the worker pipeline, merged order-independently, then the whole-run duplicate check.
public enum AuditRun {
    public static func run(_ configuration: AuditConfiguration) throws(InputError) -> AuditResult {
        let startedAt = Date()
        let catalog = configuration.catalog
        let files = configuration.files
        guard files.count <= RecordOrder.maxFiles else {
            throw .cannotOpen(
                file: files[RecordOrder.maxFiles].path, reason: "more than \(RecordOrder.maxFiles) input files")
        }
        // Two stages, each remembering where its files sit in the input order: the charge judge
        // needs every order and licence before the first charge is judged.
        let referencePlaces = files.indices.filter { files[$0].kind == .subscription || files[$0].kind == .provider }
        let streamPlaces = files.indices.filter { files[$0].kind == .usage || files[$0].kind == .charge }
        var rows: [RecordKind: RowCounts] = [:]
        for kind in RecordKind.allCases { rows[kind] = RowCounts() }

        let reference = try loadReference(referencePlaces.map { files[$0] }, catalog, configuration.pipeline, &rows)
        // One --max-rejects budget over the whole run: the stream gets what the small inputs left.
        let limit = configuration.pipeline.maxRejects
        var streamOptions = configuration.pipeline
        streamOptions.chunksPerFileLimit = RecordOrder.maxChunks
        streamOptions.rowsPerChunkLimit = RecordOrder.maxRecordsPerChunk
        streamOptions.maxRejects = limit - reference.report.rejects.count
        let chargeJudge = ChargeJudge(
            catalog: catalog, subscriptions: reference.subscriptions, providers: reference.providers)

        let judge = UsageJudge(rater: Rater(catalog: catalog))
        let timezone = catalog.timezoneOffset
        let pipeline = ChunkPipeline<AuditPartial>(
            files: streamPlaces.map { files[$0] }, options: streamOptions,
            makeWorker: {
                let reader = RowReader()
                // This worker's entry blocks: its chunks' keys are written straight into them.
                let entryBlocks = EntryBlockSource()
                // Room for as many findings as this worker's last chunk had: a buffer grown
                // from a few slots copied each finding once more (and faulted in fresh pages).
                var findingRoom = FindingBuffer.defaultCapacity
                return { job in
                    var partial = AuditPartial(kind: job.layout.kind)
                    switch job.layout.kind {
                    case .usage:
                        partial.lineCount = auditUsage(
                            job, reader, entryBlocks, judge, timezone, FindingBuffer(capacity: findingRoom),
                            &partial)
                        partial.findings.releaseSlack()
                        findingRoom = partial.findings.roomForNext
                    case .charge:
                        partial.lineCount = auditCharges(
                            job, reader, chargeJudge, timezone, FindingBuffer(capacity: findingRoom), &partial)
                        partial.findings.releaseSlack()
                        findingRoom = partial.findings.roomForNext
                    case .subscription, .provider:
                        // Loaded by `loadReference`; never part of this stage.
                        partial.lineCount = reader.forEachRow(
                            job, rowsRead: &partial.rowsRead, rejects: &partial.rejects
                        ) {
                            (_) throws(RowError) in
                        }
                    }
                    return partial
                }
            })
        var index = DuplicateIndex()
        // Each chunk's findings stay in their worker's buffer until they are sorted: appending to
        // one big array would copy it each time it doubles, and gathering them into one first
        // would hold them twice.
        var tentative: [FindingBuffer] = []
        let stream: PipelineReport
        do throws(InputError) {
            stream = try pipeline.run(ordered: false) { (_, partial) throws(InputError) in
                rows[partial.kind]! =
                    rows[partial.kind]! + RowCounts(read: partial.rowsRead, rejected: partial.rejects.count)
                if !partial.findings.isEmpty { tentative.append(partial.findings) }
                if !partial.usageKeys.isEmpty { index.insert(partial.usageKeys) }
            }
        } catch {
            throw wholeRunBudget(error, limit: limit, earlier: reference.report.rejects.count)
        }
        index.finish()
        let (kept, duplicates) = resolveDuplicates(tentative, index)
        let indexBytes = index.entryBytes + index.referenceBytes
        let indexRecords = index.records
        // The index (hundreds of MB) goes before the sort, so the run's memory peak never holds
        // it and the sort's arrays at once. Its memory is a few dozen 16 MiB blocks and tables:
        // freeing it takes milliseconds.
        index = DuplicateIndex()
        // Totals in the buffers' order, before the sort: sequential reads, not one per finding
        // wherever it lies.
        let ruleTotals = kept.withUnsafeBufferPointer { RuleTotals(pointers: $0) }
        // The findings stay in their buffers (the duplicates' tentative findings too, unread):
        // the list holds them, in report order.
        let findings = FindingList(
            owners: tentative + [duplicates], ordered: ReportOrder.sorted(pointers: kept, catalog))
        tentative = []
        let (fileStats, rejects) = combine(
            (reference.report, referencePlaces), (stream, streamPlaces), fileCount: files.count)
        return AuditResult(
            catalog: catalog, findings: findings, ruleTotals: ruleTotals, rows: rows, rejects: rejects,
            files: fileStats, startedAt: startedAt, finishedAt: Date(),
            duplicateIndexBytes: indexBytes, duplicateIndexRecords: indexRecords)
    }

    /// The orders and licences a charge is judged against, and what reading them reported.
    struct Reference {
        var subscriptions: SubscriptionIndex
        var providers: ProviderRegistry
        var report: PipelineReport
    }

    /// Streams the subscription and provider files (gzip or plain) through the same pipeline as
    /// the big inputs: workers decode and copy rows out, this thread feeds the builders.
    static func loadReference(
        _ files: [InputFile], _ catalog: TariffCatalog, _ options: PipelineOptions,
        _ rows: inout [RecordKind: RowCounts]
    ) throws(InputError) -> Reference {
        if files.isEmpty {
            return Reference(
                subscriptions: SubscriptionIndex(), providers: ProviderRegistry(),
                report: PipelineReport(files: [], rejects: [], wallSeconds: 0))
        }
        let timezone = catalog.timezoneOffset
        let pipeline = ChunkPipeline<ReferencePartial>(
            files: files, options: options,
            makeWorker: {
                let reader = RowReader()
                return { job in
                    var partial = ReferencePartial(kind: job.layout.kind)
                    partial.lineCount = readReference(job, reader, timezone, &partial)
                    return partial
                }
            })
        var subscriptions = SubscriptionIndexBuilder()
        var providers = ProviderRegistryBuilder()
        let report = try pipeline.run(ordered: false) { (_, partial) throws(InputError) in
            rows[partial.kind]! =
                rows[partial.kind]! + RowCounts(read: partial.rowsRead, rejected: partial.rejects.count)
            subscriptions.add(partial.subscriptions)
            providers.add(partial.providers)
        }
        return Reference(
            subscriptions: subscriptions.build(
                window: catalog.confirmationWindow, minDelay: catalog.minConfirmationDelay),
            providers: providers.build(), report: report)
    }

    /// Decodes one subscription or provider chunk; returns its line count.
    private static func readReference(
        _ job: ChunkJob, _ reader: RowReader, _ timezone: Int64, _ partial: inout ReferencePartial
    ) -> Int {
        switch job.layout.kind {
        case .subscription:
            let decoder = SubscriptionDecoder(layout: job.layout, timezoneOffset: timezone)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in partial.subscriptions.append(try decoder.decode(row))
            }
        case .provider:
            let decoder = ProviderDecoder(layout: job.layout)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in partial.providers.append(try decoder.decode(row))
            }
        case .usage, .charge:
            // Streamed by the second stage; never part of this one.
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (_) throws(RowError) in
            }
        }
    }

    /// The stream stage ran with the budget the small inputs left; its over-budget error is
    /// restated against the whole run's `--max-rejects`, which is what the user gave.
    static func wholeRunBudget(_ error: InputError, limit: Int, earlier: Int) -> InputError {
        guard earlier > 0 else { return error }
        switch error {
        case .tooManyRejects(let file, let line, let reason, _), .malformedRow(let file, let line, let reason):
            return .tooManyRejects(file: file, line: line, reason: reason, limit: limit)
        default:
            return error
        }
    }

    /// Both stages' file stats and rejects, back in the input order the caller gave (`places`
    /// maps a stage's file index to the run's).
    static func combine(
        _ first: (PipelineReport, [Int]), _ second: (PipelineReport, [Int]), fileCount: Int
    ) -> ([FileStats], [Reject]) {
        var stats: [FileStats?] = Array(repeating: nil, count: fileCount)
        var rejects: [Reject] = []
        for (report, places) in [first, second] {
            for (index, fileStats) in report.files.enumerated() { stats[places[index]] = fileStats }
            for var reject in report.rejects {
                reject.file = places[reject.file]
                rejects.append(reject)
            }
        }
        // Lines are resolved to file lines by now, so (file, line) is the input order.
        rejects.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return (stats.map { $0! }, rejects)
    }

    /// Audits one usage chunk; returns its line count.
    private static func auditUsage(
        _ job: ChunkJob, _ reader: RowReader, _ entryBlocks: EntryBlockSource, _ judge: UsageJudge, _ timezone: Int64,
        _ findings: FindingBuffer, _ partial: inout AuditPartial
    ) -> Int {
        let decoder = UsageDecoder(layout: job.layout, timezoneOffset: timezone)
        // A usage row is at least ~64 bytes: room for every record of a typical chunk.
        var keys = UsageKeyBatchBuilder(source: entryBlocks, expectedRecords: job.bytes.count / 64)
        var recordIndex = 0
        let lines = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
            (row) throws(RowError) in
            let record = try decoder.decode(row)
            let order = RecordOrder.make(job.position, record: recordIndex)
            recordIndex += 1
            keys.append(record, order: order)
            // A record rated past `Rater.maxExpected` is a reject, which the duplicate index must
            // not see: its key is taken back. (Rating before the append instead cost ~40
            // instructions a row: the rating stayed live across the inlined key writing.)
            let rating: Rating?
            do throws(RowError) {
                rating = try judge.rating(record)
            } catch {
                keys.removeLast()
                throw error
            }
            if let verdict = judge.judge(record, rating: rating) {
                findings.append(
                    StoredFinding(
                        kind: .usage, recordID: findings.text(record.recordID), account: findings.text(record.account),
                        cycle: record.cycle,
                        rule: verdict.rule, billedQuantity: record.billedQuantity,
                        expectedQuantity: verdict.expectedQuantity, billedAmount: record.billedAmount,
                        expectedAmount: verdict.expectedAmount, overcharge: verdict.overcharge,
                        detailText: verdict.detailText, detailForm: verdict.detailForm, order: order))
            }
        }
        partial.usageKeys = keys.finish()
        partial.findings = findings
        return lines
    }

    /// Judges one charge chunk; returns its line count.
    private static func auditCharges(
        _ job: ChunkJob, _ reader: RowReader, _ judge: ChargeJudge, _ timezone: Int64, _ findings: FindingBuffer,
        _ partial: inout AuditPartial
    ) -> Int {
        let decoder = ChargeDecoder(layout: job.layout, timezoneOffset: timezone)
        var recordIndex = 0
        let lines = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
            (row) throws(RowError) in
            let charge = try decoder.decode(row)
            let order = RecordOrder.make(job.position, record: recordIndex)
            recordIndex += 1
            if let verdict = judge.judge(charge) {
                findings.append(
                    StoredFinding(
                        kind: .charge, recordID: findings.text(charge.itemID), account: findings.text(charge.account),
                        cycle: charge.cycle, rule: verdict.rule, billedQuantity: nil, expectedQuantity: nil,
                        billedAmount: charge.amount, expectedAmount: verdict.expectedAmount,
                        overcharge: verdict.overcharge, detailText: verdict.detail, detailForm: .text, order: order))
            }
        }
        partial.findings = findings
        return lines
    }

    /// Every finding the reports will hold, by pointer: the tentative findings of records that
    /// are not duplicates, where they lie in their chunk's buffer, and each duplicate's
    /// `duplicate-charge` finding, read back from the finished index into a new buffer (returned
    /// too: it must live as long as the pointers). Two independent halves, on two threads (a
    /// serial stretch at the end of a run with many findings).
    static func resolveDuplicates(_ tentative: [FindingBuffer], _ index: DuplicateIndex)
        -> (kept: [UnsafeMutablePointer<StoredFinding>], duplicates: FindingBuffer)
    {
        let marks = index.marks
        let finished = FinishedIndex(index: index)
        let chunks = TentativeChunks(buffers: tentative)
        let duplicates = FindingBuffer(capacity: marks.count)
        let kept = TaskSlots<[UnsafeMutablePointer<StoredFinding>]>(count: 1, repeating: [])
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            if side == 0 {
                var pointers: [UnsafeMutablePointer<StoredFinding>] = []
                // Room for the duplicates' pointers too: they are appended to this array.
                pointers.reserveCapacity(chunks.buffers.reduce(marks.count) { $0 + $1.count })
                for buffer in chunks.buffers where buffer.count > 0 {
                    // A buffer holds one chunk's findings in input order, and the marks are in
                    // input order: the two are walked side by side from the chunk's first mark.
                    let base = buffer.base
                    var next = marks.firstPosition(atOrAfter: base[0].order & ~RecordOrder.recordMask)
                    for slot in 0..<buffer.count {
                        let order = base[slot].order
                        while next < marks.count, marks.sorted[next].order < order { next += 1 }
                        let marked = next < marks.count && marks.sorted[next].order == order
                        if !marked || base[slot].kind != .usage { pointers.append(base + slot) }
                    }
                }
                kept[0] = pointers
            } else {
                for mark in marks.sorted {
                    duplicates.append(
                        UsageKey.duplicateFinding(
                            finished.index.entry(mark), chunkOrder: mark.order & ~RecordOrder.recordMask,
                            byRecordID: mark.byRecordID, in: duplicates))
                }
            }
        }
        var pointers = kept[0]
        kept[0] = []  // `pointers` is now the only owner: appending does not copy it
        for slot in 0..<duplicates.count { pointers.append(duplicates.base + slot) }
        return (pointers, duplicates)
    }

    /// The chunks' finding buffers, read by the first task of `resolveDuplicates` while the
    /// second appends to its own buffer. `@unchecked Sendable`: nothing writes to them meanwhile.
    private struct TentativeChunks: @unchecked Sendable {
        let buffers: [FindingBuffer]
    }

    /// A finished `DuplicateIndex`, shared read-only by the tasks of `resolveDuplicates`: after
    /// `finish()` nothing writes to it, so reading from two threads is safe.
    private struct FinishedIndex: @unchecked Sendable {
        let index: DuplicateIndex
    }
}
