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
        let rater = Rater(catalog: catalog, explains: false)
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
                        CSVBytes.appendField(record.recordID, to: &out)
                        out.byte(0x2c)
                        if !record.plan.isEmpty, case .rated(let quantity, let amount) = rater.rate(record.event) {
                            CSVBytes.appendInteger(quantity, to: &out)
                            out.byte(0x2c)
                            CSVBytes.appendAmount(amount, precision, to: &out)
                        } else {
                            out.byte(0x2c)
                        }
                        out.byte(0x0a)
                    }
                    partial.output = out.bytes
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

/// Byte-level CSV formatting for the hot output paths (no `String` per value), into a
/// `ByteWriter`: one capacity check per field instead of a uniqueness and capacity check per byte.
enum CSVBytes {
    /// Appends the field with minimal quoting: quoted only when it holds `,` `"` CR or LF.
    @inline(__always)
    static func appendField(_ bytes: UnsafeRawBufferPointer, to out: inout ByteWriter) {
        guard bytes.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }) else {
            out.raw(bytes)
            return
        }
        out.byte(0x22)
        for byte in bytes {
            out.byte(byte)
            if byte == 0x22 { out.byte(0x22) }
        }
        out.byte(0x22)
    }

    /// A string field (`withContiguousStorageIfAvailable` also covers small strings).
    @inline(__always)
    static func appendField(_ text: String, to out: inout ByteWriter) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable {
            appendField(UnsafeRawBufferPointer($0), to: &out)
        }
        if written == nil { Array(text.utf8).withUnsafeBytes { appendField($0, to: &out) } }
    }

    @inline(__always)
    static func appendInteger(_ value: Int64, to out: inout ByteWriter) {
        if value < 0 { out.byte(0x2d) }
        appendDigits(value.magnitude, minimumCount: 1, to: &out)
    }

    /// `value` in decimal, left-padded with zeros to `minimumCount` digits.
    @inline(__always)
    static func appendDigits(_ value: UInt64, minimumCount: Int, to out: inout ByteWriter) {
        // Written backwards into 24 bytes (a UInt64 has at most 20 digits), then copied once.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            } while magnitude > 0 || buffer.count - start < minimumCount
            out.raw(UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// An amount already rounded to `precision`, written with exactly its digits.
    @inline(__always)
    static func appendAmount(_ amount: Money, _ precision: AmountPrecision, to out: inout ByteWriter) {
        if amount.micros < 0 { out.byte(0x2d) }
        let magnitude = amount.micros.magnitude
        appendDigits(magnitude / UInt64(Money.scale), minimumCount: 1, to: &out)
        guard precision.fractionDigits > 0 else { return }
        out.byte(0x2e)
        var fraction = magnitude % UInt64(Money.scale)
        for _ in precision.fractionDigits..<6 { fraction /= 10 }
        appendDigits(fraction, minimumCount: precision.fractionDigits, to: &out)
    }
}
