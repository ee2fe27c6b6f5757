/// `recount validate`: streams every file, decoding every field of every row, and reports per
/// file what it read. The pre-flight check before a nightly job or a submission.
public enum Validation {
    public struct Partial: ChunkPartial {
        public var lineCount = 0
        public var rowsRead = 0
        public var rejects: [Reject] = []
    }

    public static func run(files: [InputFile], options: PipelineOptions, timezoneOffset: Int64 = 0) throws(InputError)
        -> PipelineReport
    {
        let pipeline = ChunkPipeline<Partial>(
            files: files, options: options,
            makeWorker: {
                let reader = RowReader()
                return { job in
                    var partial = Partial()
                    partial.lineCount = decodeAll(job, reader, &partial, timezoneOffset)
                    return partial
                }
            })
        return try pipeline.run(ordered: false) { (_, _) throws(InputError) in }
    }

    private static func decodeAll(_ job: ChunkJob, _ reader: RowReader, _ partial: inout Partial, _ offset: Int64)
        -> Int
    {
        switch job.layout.kind {
        case .usage:
            let decoder = UsageDecoder(layout: job.layout, timezoneOffset: offset)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in _ = try decoder.decode(row)
            }
        case .charge:
            let decoder = ChargeDecoder(layout: job.layout, timezoneOffset: offset)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in _ = try decoder.decode(row)
            }
        case .subscription:
            let decoder = SubscriptionDecoder(layout: job.layout, timezoneOffset: offset)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in _ = try decoder.decode(row)
            }
        case .provider:
            let decoder = ProviderDecoder(layout: job.layout)
            return reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                (row) throws(RowError) in _ = try decoder.decode(row)
            }
        }
    }
}
