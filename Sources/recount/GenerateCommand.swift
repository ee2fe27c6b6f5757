import ArgumentParser
import Foundation
import RecountCore

/// `recount generate`: writes a synthetic, self-consistent data set with an answer key.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic data set (catalog, usage, charges, subscriptions, providers) with planted errors.",
        discussion: """
            Every rule of the audit is planted at --error-rate; answer-key.csv lists each planted error \
            with its overcharge and refund, and README.txt gives the exact `recount audit` command. \
            The output is byte-for-byte the same for a seed whatever the thread count.
            """)

    @Option(name: .long, help: "Folder to write the data set into.")
    var out: String

    @Option(name: .customLong("usage-rows"), help: "Number of usage records.")
    var usageRows: Int64 = 1_000_000

    @Option(help: "Number of subscriber accounts.")
    var accounts: Int64 = 10_000

    @Option(help: "Number of charge items.")
    var charges: Int64 = 20_000

    @Option(help: "Number of usage files and of charge files.")
    var files = 4

    @Option(
        name: .customLong("error-rate"),
        help: "Share of records that carry each planted rule, e.g. 0.01 (six rules per input: at most 0.16).")
    var errorRate = "0.01"

    @Option(help: "Seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Billing cycle covered, YYYY-MM.")
    var cycle = "2026-10"

    @Option(help: "Worker threads (default: one per core). Does not change the output.")
    var threads: Int?

    @Flag(help: "Write uncompressed .csv files instead of .csv.gz.")
    var plain = false

    @Option(
        name: .customLong("gzip"),
        help:
            "Deflate implementation: isal (ISA-L, one gzip member per MiB; fastest) or zlib (one member; the same bytes wherever zlib is the same)."
    )
    var gzipEngine = GzipEngine.standard.rawValue

    @Flag(help: "Replace the files of an earlier run in a non-empty output folder.")
    var force = false

    @Option(
        name: .customLong("id-prefix"),
        help:
            "Text every record_id and item_id starts with, e.g. CDR-2026-10- (real ids often share one; default none).")
    var idPrefix = ""

    @Option(
        name: .customLong("id-format"),
        help:
            "How ids go on after the prefix: numbered (U0000000042, the default), uuid (lowercase 8-4-4-4-12 hex, as FreeSWITCH writes them) or uuid-upper (the same in uppercase hex)."
    )
    var idFormat = RecordIDFormat.numbered.rawValue

    /// The rate as parts per million, parsed from its decimal text (never through a float).
    static func partsPerMillion(_ text: String) -> Int64? {
        guard let micros = FieldDecoder.withBytes(text, { FieldDecoder.money($0) }), micros.micros >= 0 else {
            return nil
        }
        return micros.micros
    }

    static func parseCycle(_ text: String) -> Int32? {
        FieldDecoder.withBytes(text) { FieldDecoder.cycle($0) }
    }

    func validate() throws {
        guard Self.partsPerMillion(errorRate) != nil else {
            throw ValidationError("--error-rate must be a decimal like 0.01 (at most 6 fractional digits)")
        }
        guard GzipEngine(rawValue: gzipEngine) != nil else { throw ValidationError("--gzip must be isal or zlib") }
        guard Self.parseCycle(cycle) != nil else { throw ValidationError("--cycle must be YYYY-MM") }
        guard RecordIDFormat(rawValue: idFormat) != nil else {
            throw ValidationError("--id-format must be numbered, uuid or uuid-upper")
        }
    }

    func options() -> GeneratorOptions {
        var options = GeneratorOptions(outputFolder: out)
        options.usageRows = usageRows
        options.accounts = accounts
        options.charges = charges
        options.files = files
        options.errorRatePPM = Self.partsPerMillion(errorRate) ?? 0
        options.seed = seed
        options.plain = plain
        options.force = force
        options.idPrefix = idPrefix
        options.idFormat = RecordIDFormat(rawValue: idFormat) ?? .numbered
        options.gzipEngine = GzipEngine(rawValue: gzipEngine) ?? .standard
        options.cycle = Self.parseCycle(cycle) ?? 202_610
        if let threads { options.threads = threads }
        return options
    }

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let summary: GenerationSummary
        do {
            summary = try DataSetGenerator.generate(options())
        } catch {
            FileHandle.standardError.write(Data("recount generate: \(error.description)\n".utf8))
            throw ExitCode(error.exitStatus)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let rate = seconds > 0 ? Int(Double(summary.usageRows) / seconds) : 0
        print(
            "wrote \(summary.usageRows) usage rows and \(summary.charges) charges to \(out) in "
                + String(format: "%.2f", seconds) + " s (\(rate) usage rows/s)")
        print("planted \(summary.answerKey.entries.count) errors (answer-key.csv)")
        print("audit with: \(summary.auditCommand)")
    }
}
