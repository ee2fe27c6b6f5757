import ArgumentParser
import Foundation
import RecountCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that input files are intact and well-formed, without auditing them.",
        discussion: """
            Streams every file, checks the gzip integrity, the header's columns and every field of every row, \
            and prints per file: rows, bytes (compressed and decompressed) and rejects. The first malformed row \
            aborts with file:line (exit 2) unless --max-rejects allows it; the rows it allows are listed \
            (file:line: reason). Writes no files.
            """)

    @OptionGroup var inputs: InputOptions
    @OptionGroup var runOptions: RunOptions

    func run() throws {
        do {
            let files = try inputs.files()
            guard !files.isEmpty else {
                throw Failure.exit("no input files: give --usage, --charges, --subscriptions or --providers", code: 1)
            }
            let report = try Validation.run(files: files, options: runOptions.pipeline)
            print(ValidationSummary.text(report))
        } catch let error as InputError {
            throw Failure.exit(error, code: 2)
        }
    }
}
