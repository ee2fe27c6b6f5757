import ArgumentParser
import Foundation
import RecountCore

/// Input files of each kind, shared by the commands that stream records.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("usage"), parsing: .upToNextOption, help: "Usage record files or folders.")
    var usage: [String] = []

    @Option(name: .customLong("charges"), parsing: .upToNextOption, help: "Charge item files or folders.")
    var charges: [String] = []

    @Option(name: .customLong("subscriptions"), parsing: .upToNextOption, help: "Subscription order files or folders.")
    var subscriptions: [String] = []

    @Option(name: .customLong("providers"), parsing: .upToNextOption, help: "SP licence registry files or folders.")
    var providers: [String] = []

    /// Every path given, of every kind.
    var paths: [String] { usage + charges + subscriptions + providers }

    /// Every file, kinds in the order subscriptions, providers, usage, charges (small inputs first).
    func files() throws(InputError) -> [InputFile] {
        // The order `audit` reads them in, so rejects.csv and summary.json list files as they were read.
        try InputFiles.expand(.subscription, subscriptions) + InputFiles.expand(.provider, providers)
            + InputFiles.expand(.usage, usage) + InputFiles.expand(.charge, charges)
    }
}

/// How a run uses the machine and how strict it is with malformed rows.
struct RunOptions: ParsableArguments {
    @Option(help: "Worker threads; the default is the number of cores.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(
        help: "Malformed rows allowed before the run aborts; audit lists them in rejects.csv, validate prints them.")
    var maxRejects: Int = 0

    @Option(help: ArgumentHelp("Bytes of decompressed input per chunk handed to a worker.", visibility: .hidden))
    var chunkSize: Int = PipelineOptions.defaultChunkSize

    @Option(help: "The gzip decoder: isal (fast) or zlib (the reference). Outputs are the same.")
    var inflater: InflateEngine = .standard

    func validate() throws {
        guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        guard maxRejects >= 0 else { throw ValidationError("--max-rejects must be 0 or more") }
        guard chunkSize >= 1, chunkSize <= PipelineOptions.maxChunkSize else {
            throw ValidationError("--chunk-size must be between 1 and \(PipelineOptions.maxChunkSize) (64 MiB)")
        }
    }

    var pipeline: PipelineOptions {
        PipelineOptions(
            threads: threads, chunkSize: chunkSize, maxRejects: maxRejects, progress: isatty(2) == 1,
            inflater: inflater)
    }
}

/// Prints a user error to stderr and exits with DESIGN.md §6's status.
enum Failure {
    static func exit(_ message: CustomStringConvertible, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data(("recount: " + message.description + "\n").utf8))
        return ExitCode(code)
    }
}

extension InflateEngine: ExpressibleByArgument {}
