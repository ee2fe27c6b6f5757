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
        let rater = Rater(catalog: catalog)
        let timezone = catalog.timezoneOffset
        let precision = catalog.precision
        let pipeline = ChunkPipeline<Partial>(
            files: files, options: options,
            makeWorker: {
                let reader = RowReader()
                return { job in
                    var partial = Partial()
                    let decoder = UsageDecoder(layout: job.layout, timezoneOffset: timezone)
                    var out: [UInt8] = []
                    out.reserveCapacity(job.bytes.count / 3)
                    partial.lineCount = reader.forEachRow(job, rowsRead: &partial.rowsRead, rejects: &partial.rejects) {
                        (row) throws(RowError) in
                        let record = try decoder.decode(row)
                        CSVBytes.appendField(record.recordID, to: &out)
                        out.append(0x2c)
                        if !record.plan.isEmpty, case .rated(let quantity, let amount) = rater.rate(record.event) {
                            CSVBytes.appendInteger(quantity, to: &out)
                            out.append(0x2c)
                            CSVBytes.appendAmount(amount, precision, to: &out)
                        } else {
                            out.append(0x2c)
                        }
                        out.append(0x0a)
                    }
                    partial.output = out
                    return partial
                }
            })
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
            try sink.close()
            guard rename(temporary, outputPath) == 0 else {
                throw OutputError.cannotPlace(path: outputPath, reason: String(cString: strerror(errno)))
            }
            return report
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// Byte-level CSV formatting for the hot output paths (no `String` per value).
enum CSVBytes {
    /// Appends the field with minimal quoting: quoted only when it holds `,` `"` CR or LF.
    static func appendField(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        guard bytes.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        for byte in bytes {
            out.append(byte)
            if byte == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2d) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(magnitude % 10) + 48
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// An amount already rounded to `precision`, written with exactly its digits.
    static func appendAmount(_ amount: Money, _ precision: AmountPrecision, to out: inout [UInt8]) {
        if amount.micros < 0 { out.append(0x2d) }
        let magnitude = amount.micros.magnitude
        appendInteger(Int64(magnitude / UInt64(Money.scale)), to: &out)
        guard precision.fractionDigits > 0 else { return }
        out.append(0x2e)
        var fraction = magnitude % UInt64(Money.scale)
        var divisor = UInt64(Money.scale / 10)
        for _ in 0..<precision.fractionDigits {
            out.append(UInt8(fraction / divisor) + 48)
            fraction %= divisor
            divisor /= 10
        }
    }
}
