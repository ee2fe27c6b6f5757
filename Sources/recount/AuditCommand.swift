import ArgumentParser
import Foundation
import RecountCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-rate usage and charges from the filed tariffs and report every billing error and its refund.",
        discussion: """
            Writes summary.json, findings.csv.gz, refunds.csv and rejects.csv into --out, which appears only \
            when the run succeeds. Exit status: 0 success, 1 usage or catalog error, 2 input or output error, \
            3 findings present with --fail-on-findings.
            """)

    @Option(help: "The filed tariff catalog (YAML).")
    var catalog: String

    @OptionGroup var inputs: InputOptions

    @Option(help: "Output folder (replaced only when the run succeeds).")
    var out: String

    @OptionGroup var runOptions: RunOptions

    @Flag(help: "Exit with status 3 when there is any finding (undercharges included).")
    var failOnFindings = false

    func validate() throws {
        guard !inputs.usage.isEmpty || !inputs.charges.isEmpty else {
            throw ValidationError("give at least one --usage or --charges file or folder")
        }
    }

    func run() throws {
        do {
            // Before anything is read: a run of an hour must not end by refusing its --out.
            try OutputPlace.checkReportFolder(out, inputs: [catalog] + inputs.paths)
        } catch {
            throw Failure.exit(error, code: 1)
        }
        let tariffs: TariffCatalog
        do {
            tariffs = try TariffCatalog.load(path: catalog)
        } catch {
            throw Failure.exit(error, code: 1)
        }
        let result: AuditResult
        do {
            let configuration = AuditConfiguration(
                catalog: tariffs, files: try inputs.files(), pipeline: runOptions.pipeline)
            result = try AuditRun.run(configuration)
        } catch {
            throw Failure.exit(error, code: 2)
        }
        do {
            try ReportWriter.write(result, to: out, catalogPath: catalog)
        } catch {
            throw Failure.exit(error, code: 2)
        }
        print(AuditSummaryText.text(result, out: out, reportsWrittenAt: Date()))
        let anyFindings = !result.findings.isEmpty
        // Freeing a run's findings on this thread kept the process alive ~0.1 s after the summary
        // (600k findings): a pool thread frees them while the process ends.
        Retired.releaseInBackground(consume result)
        if failOnFindings, anyFindings { throw ExitCode(3) }
    }
}
