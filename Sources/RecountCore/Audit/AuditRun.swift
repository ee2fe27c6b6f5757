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
    public var findings: [Finding]
    public var rows: [RecordKind: RowCounts]
    public var rejects: [Reject]
    public var files: [FileStats]
    public var startedAt: Date
    public var finishedAt: Date
    /// Bytes held by the duplicate index at the end (entries + slots).
    public var duplicateIndexBytes: Int
}

/// Runs the audit of DESIGN.md §1: small inputs first, then usage and charge files streamed
/// through the worker pipeline, merged order-independently, then the whole-run duplicate check.
public enum AuditRun {
    public static func run(_ configuration: AuditConfiguration) throws(InputError) -> AuditResult {
        let startedAt = Date()
        let catalog = configuration.catalog
        let rater = Rater(catalog: catalog)
        let judge = UsageJudge(rater: rater)
        let files = configuration.files
        guard files.count <= RecordOrder.maxFiles else {
            throw .cannotOpen(file: files[RecordOrder.maxFiles].path, reason: "more than \(RecordOrder.maxFiles) input files")
        }
        let timezone = catalog.timezoneOffset
        let pipeline = ChunkPipeline<AuditPartial>(
            files: files, options: configuration.pipeline,
            layout: { (file, header, _) throws(InputError) in
                try ColumnLayout(kind: file.kind, header: header, file: file.path)
            },
            makeWorker: {
                let reader = RowReader()
                return { job in
                    var partial = AuditPartial(kind: job.layout.kind)
                    switch job.layout.kind {
                    case .usage:
                        partial.lineCount = auditUsage(job, reader, judge, timezone, &partial)
                    case .charge, .subscription, .provider:
                        partial.lineCount = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                            (_) throws(RowError) in
                        }
                    }
                    return partial
                }
            })
        let index = DuplicateIndex()
        var tentative: [Finding] = []
        var rows: [RecordKind: RowCounts] = [:]
        for kind in RecordKind.allCases { rows[kind] = RowCounts() }
        let report = try pipeline.run(ordered: false) { (_, partial) throws(InputError) in
            rows[partial.kind]! = rows[partial.kind]! + RowCounts(read: partial.rowsRead, rejected: partial.rejects.count)
            tentative.append(contentsOf: partial.findings)
            if !partial.usageKeys.offsets.isEmpty { index.insert(partial.usageKeys) }
        }
        let findings = resolveDuplicates(tentative, index)
        return AuditResult(
            catalog: catalog, findings: ReportOrder.sorted(findings, catalog), rows: rows, rejects: report.rejects,
            files: report.files, startedAt: startedAt, finishedAt: Date(),
            duplicateIndexBytes: index.entryBytes + index.slotBytes)
    }

    /// Audits one usage chunk; returns its line count.
    private static func auditUsage(
        _ job: ChunkJob, _ reader: RowReader, _ judge: UsageJudge, _ timezone: Int64, _ partial: inout AuditPartial
    ) -> Int {
        let decoder = UsageDecoder(layout: job.layout, timezoneOffset: timezone)
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(job.bytes.count / 2)
        var keys = UsageKeyBatch()
        var findings: [Finding] = []
        var recordIndex = 0
        let lines = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
            (row) throws(RowError) in
            let record = try decoder.decode(row)
            let order = RecordOrder.make(job.position, record: recordIndex)
            recordIndex += 1
            keys.offsets.append(UInt32(writer.bytes.count))
            UsageKey.write(record, order: order, into: &writer)
            keys.recordIDHashes.append(UsageKey.recordIDHash(record.recordID))
            keys.contentHashes.append(
                record.service == .sms
                    ? 0
                    : UsageKey.contentHash(
                        account: record.account, service: record.service, start: record.start,
                        destination: record.destination, duration: record.durationSeconds, volume: record.volumeBytes))
            if let verdict = judge.judge(record) {
                findings.append(
                    Finding(
                        kind: .usage, recordID: String(decoding: record.recordID, as: UTF8.self),
                        account: String(decoding: record.account, as: UTF8.self), cycle: record.cycle,
                        rule: verdict.rule, billedQuantity: record.billedQuantity,
                        expectedQuantity: verdict.expectedQuantity, billedAmount: record.billedAmount,
                        expectedAmount: verdict.expectedAmount, overcharge: verdict.overcharge,
                        detail: verdict.detail, order: order))
            }
        }
        keys.bytes = writer.bytes
        partial.usageKeys = keys
        partial.findings = findings
        return lines
    }

    /// Replaces the tentative finding of every duplicate record by its `duplicate-charge` finding.
    static func resolveDuplicates(_ tentative: [Finding], _ index: DuplicateIndex) -> [Finding] {
        var findings = tentative.filter { index.marks[$0.order] == nil || $0.kind != .usage }
        for (order, mark) in index.marks {
            let finding = index.withKey(of: order) { key in
                Finding(
                    kind: .usage, recordID: String(decoding: key.recordID, as: UTF8.self),
                    account: String(decoding: key.account, as: UTF8.self), cycle: key.cycle, rule: .duplicateCharge,
                    billedQuantity: key.billedQuantity, expectedQuantity: 0, billedAmount: key.billedAmount,
                    expectedAmount: .zero, overcharge: max(key.billedAmount, .zero),
                    detail: mark.byRecordID
                        ? "record_id seen earlier in the run"
                        : "same account, service, start, destination, duration and volume as an earlier record",
                    order: order)
            }
            if let finding { findings.append(finding) }
        }
        return findings
    }
}
