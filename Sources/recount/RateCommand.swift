import ArgumentParser
import Foundation
import RecountCore

struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Re-rate usage records from the filed tariffs: record_id,expected_quantity,expected_amount.",
        discussion: """
            One output row per usage record, in input order; both values empty where no tariff applies. \
            The output is gzip when FILE ends in .gz, and appears only when complete.
            """)

    @Option(help: "The filed tariff catalog (YAML).")
    var catalog: String

    @Option(name: .customLong("usage"), parsing: .upToNextOption, help: "Usage record files or folders.")
    var usage: [String] = []

    @Option(help: "Output file (.csv or .csv.gz).")
    var out: String

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard !usage.isEmpty else { throw ValidationError("give at least one --usage file or folder") }
    }

    /// Rows read, and of them those with an output line: a reject `--max-rejects` let through
    /// has none, so "rated" does not count it.
    static func summary(_ report: PipelineReport) -> String {
        let rows = report.files.reduce(0) { $0 + $1.rowsRead }
        let bytes = report.files.reduce(0) { $0 + $1.decompressedBytes }
        let seconds = max(report.wallSeconds, 1e-6)
        return String(
            format: "%d rows read, %d rated, %d rejected in %.2f s: %.0f rows/s, %.1f MB/s decompressed", rows,
            rows - report.rejects.count, report.rejects.count, seconds, Double(rows) / seconds,
            Double(bytes) / 1e6 / seconds)
    }

    func run() throws {
        let tariffs: TariffCatalog
        do {
            tariffs = try TariffCatalog.load(path: catalog)
        } catch {
            throw Failure.exit(error, code: 1)
        }
        let files: [InputFile]
        do {
            files = try InputFiles.expand(.usage, usage)
            try OutputPlace.checkFile(out, inputs: [catalog] + usage + files.map(\.path))
        } catch let error as OutputError {
            throw Failure.exit(error, code: 1)
        } catch {
            throw Failure.exit(String(describing: error), code: 2)
        }
        do {
            let report = try RateRun.run(catalog: tariffs, files: files, options: runOptions.pipeline, outputPath: out)
            print(Self.summary(report))
        } catch {
            throw Failure.exit(String(describing: error), code: 2)
        }
    }
}
