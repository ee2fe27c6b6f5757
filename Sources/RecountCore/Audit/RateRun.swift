import Foundation

/// `recount rate`: the streaming re-rater. Writes `record_id,expected_quantity,expected_amount`
/// for every usage record in input order (DESIGN.md §5a), both empty where no tariff applies.
/// Workers rate and format their chunk; the calling thread writes chunks in order, so the output
/// is the same bytes for any thread count or chunk size.
public enum RateRun {
    struct Partial: ChunkPartial {
        var lineCount = 0
        var rowsRead = 0
        var rejects: [Reject] = []
        var output: [UInt8] = []
    }

    /// Rates `files` into `outputPath` (gzip when it ends in `.gz`), written to a temporary file
    /// beside it and renamed into place only when complete.
    public static func run(catalog: TariffCatalog, files: [InputFile], options: PipelineOptions, outputPath: String)
        throws -> PipelineReport
    {
        // The audit's rating step: no plan → nil, an amount past the bound → the same reject.
        let judge = UsageJudge(rater: Rater(catalog: catalog, explains: false))
        let timezone = catalog.timezoneOffset
        let precision = catalog.precision
        let pipeline = ChunkPipeline<Partial>(
            files: files, options: options,
            makeWorker: {
                let reader = RowReader()
                return { job in
                    var partial = Partial()
                    let decoder = UsageDecoder(layout: job.layout, timezoneOffset: timezone)
                    var out = ByteWriter(capacity: job.bytes.count / 3)
                    partial.lineCount = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                        (row) throws(RowError) in
                        let record = try decoder.decode(row)
                        let rating = try judge.rating(record)
                        // One capacity check a row: the record_id's worst case, two numbers, separators.
                        out.write(
                            reserving: ByteCursor.csvFieldBound(record.recordID.count) + 2 * ByteCursor.decimalBound + 4
                        ) {
                            line in
                            line.csvField(record.recordID)
                            line.byte(0x2c)
                            if case .rated(let quantity, let amount) = rating {
                                line.integer(quantity)
                                line.byte(0x2c)
                                line.amount(amount, precision)
                            } else {
                                line.byte(0x2c)
                            }
                            line.byte(0x0a)
                        }
                    }
                    partial.output = out.bytes
                    return partial
                }
            })
        // Missing folders on the way are made, as `audit --out` does.
        try OutputPlace.makeFolders(URL(fileURLWithPath: outputPath).deletingLastPathComponent().path)
        let temporary = outputPath + ".tmp-" + String(getpid())
        let sink = try FileSink(path: temporary)
        do {
            let gzip = outputPath.hasSuffix(".gz") ? try GzipWriter(sink: sink, level: 1) : nil
            let header = "record_id,expected_quantity,expected_amount\n"
            if let gzip { try gzip.write(header) } else { try sink.write(header) }
            var writeFailure: Error?
            let report = try pipeline.run(ordered: true) { (_, partial) throws(InputError) in
                guard writeFailure == nil else { return }
                do {
                    try partial.output.withUnsafeBytes { bytes in
                        if let gzip { try gzip.write(bytes) } else { try sink.write(bytes) }
                    }
                } catch {
                    // Reported after the run: the pipeline's consumer speaks only of input errors.
                    writeFailure = error
                }
            }
            if let writeFailure { throw writeFailure }
            try gzip?.finish()
            try sink.sync()
            try sink.close()
            guard rename(temporary, outputPath) == 0 else {
                throw OutputError.cannotPlace(path: outputPath, reason: String(cString: strerror(errno)))
            }
            try Durable.syncFolder(URL(fileURLWithPath: outputPath).deletingLastPathComponent().path)
            return report
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
