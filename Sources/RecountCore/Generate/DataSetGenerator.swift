import Dispatch
import Foundation
import Synchronization

/// What to generate (the `recount generate` flags).
public struct GeneratorOptions: Sendable {
    public var outputFolder: String
    public var usageRows: Int64 = 1_000_000
    public var accounts: Int64 = 10_000
    public var charges: Int64 = 20_000
    public var files = 4
    /// Planting rate of each rule, in parts per million (0.01 → 10 000).
    public var errorRatePPM: Int64 = 10_000
    public var seed: UInt64 = 1
    public var plain = false
    /// The deflate implementation for `.gz` files (ISA-L by default).
    public var gzipEngine = GzipEngine.standard
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// The billing cycle covered, YYYYMM.
    public var cycle: Int32 = 202_610
    /// Replace the generated files of an earlier run in a non-empty output folder.
    public var force = false
    /// Text every usage record_id and charge item_id starts with (empty: none).
    public var idPrefix = ""
    /// How the ids go on after the prefix.
    public var idFormat = RecordIDFormat.numbered

    public init(outputFolder: String) { self.outputFolder = outputFolder }

    /// Cycle years a set can be made for: every date it writes stays within 1970–2199.
    public static let cycleYears: ClosedRange<Int64> = 1990...2190

    /// Checks the combination; every message names the flag to change.
    public func validate() throws(GeneratorError) {
        guard !outputFolder.isEmpty else { throw .invalidOption("--out is empty: give the folder to write the set to") }
        guard usageRows >= 0 else { throw .invalidOption("--usage-rows must be 0 or more") }
        guard charges >= 0 else { throw .invalidOption("--charges must be 0 or more") }
        guard accounts >= 1, accounts <= 100_000_000 else { throw .invalidOption("--accounts must be 1…100000000") }
        guard files >= 1, files <= 10_000 else { throw .invalidOption("--files must be 1…10000") }
        guard threads >= 1 else { throw .invalidOption("--threads must be at least 1") }
        guard errorRatePPM >= 0, errorRatePPM * 6 <= 1_000_000 else {
            throw .invalidOption(
                "--error-rate must be between 0 and 0.16 (each of the six rules per input is planted at that rate)")
        }
        guard cycle % 100 >= 1, cycle % 100 <= 12, Self.cycleYears.contains(Int64(cycle / 100)) else {
            throw .invalidOption(
                "--cycle must be a month from \(Self.cycleYears.lowerBound)-01 to \(Self.cycleYears.upperBound)-12 "
                    + "(the set's filings and licences reach 14 years back and 4 ahead)")
        }
        // Each account's events take disjoint time slots (no accidental duplicates): at most one
        // event per 4 seconds of the cycle per account.
        let slots = (usageRows + accounts - 1) / accounts
        guard slots <= 28 * 86_400 / 4 else {
            throw .invalidOption(
                "--usage-rows / --accounts is \(slots) events per account: at most \(28 * 86_400 / 4) fit in a cycle; add accounts"
            )
        }
        guard RecordID.isValidPrefix(idPrefix) else {
            throw .invalidOption(
                "--id-prefix must be at most \(RecordID.maxPrefixBytes) printable ASCII characters without spaces, commas or quotes"
            )
        }
        guard charges / accounts < 1_000_000 else {
            throw .invalidOption("--charges / --accounts must stay below 1000000")
        }
    }
}

/// One file to write, run by whichever worker thread takes it.
enum GenerationTask: Sendable {
    case usage(Int, String)
    case charges(Int, String)
    case subscriptions(String)
}

/// What a run wrote.
public struct GenerationSummary: Sendable {
    public var usageRows: Int64
    public var charges: Int64
    public var answerKey: AnswerKey
    public var files: [String]
    public var auditCommand: String
}

/// Writes a complete, self-consistent data set (DESIGN §2 inputs plus `answer-key.csv`).
///
/// Layout: `catalog.yaml`, `rates.csv`, `usage/usage-NNNNN.csv.gz`, `charges/charges-NNNNN.csv.gz`,
/// `subscriptions.csv.gz`, `providers.csv`, `answer-key.csv`, `README.txt`. The big files are
/// written in parallel, one task per file, each by one thread; their bytes depend only on the
/// seed and the file index, never on the thread count.
public enum DataSetGenerator {
    /// Generates with the engine's own `Rater` over the generated catalog.
    public static func generate(_ options: GeneratorOptions) throws(GeneratorError) -> GenerationSummary {
        try generate(options) { yaml, path throws(GeneratorError) in
            let catalog = try engineCatalog(yaml: yaml, path: path)
            return { Rater(catalog: catalog, explains: false) }
        }
    }

    /// Generates with a rating engine built from the catalog text; `makeRating` returns a factory
    /// called once per file task, so raters need not be shared between threads.
    public static func generate<R: UsageRating>(
        _ options: GeneratorOptions,
        rating makeRating: (_ yaml: String, _ path: String) throws(GeneratorError) -> @Sendable () -> R
    ) throws(GeneratorError) -> GenerationSummary {
        try options.validate()
        let folder = options.outputFolder
        try prepare(folder: folder, force: options.force)
        let template = CatalogTemplate(seed: options.seed, cycle: options.cycle)
        let registry = ProviderTemplate(seed: options.seed, cycleFirstDay: template.cycleFirstDay)
        let catalogPath = folder + "/catalog.yaml"
        let yaml = template.yaml(seed: options.seed)
        try writeText(yaml, to: catalogPath)
        try writeText(template.ratesCSV(), to: folder + "/rates.csv")
        let newRater = try makeRating(yaml, catalogPath)

        let ids = RecordID(prefix: options.idPrefix, format: options.idFormat)
        let usage = UsageGenerator(
            seed: options.seed, rows: options.usageRows, accounts: options.accounts, files: options.files,
            ratePPM: options.errorRatePPM, catalog: template, ids: ids)
        let charges = ChargeGenerator(
            seed: options.seed, charges: options.charges, accounts: options.accounts, files: options.files,
            ratePPM: options.errorRatePPM, catalog: template, registry: registry, accountWidth: usage.accountWidth,
            ids: ids)

        let suffix = options.plain ? ".csv" : ".csv.gz"
        func numbered(_ index: Int) -> String {
            let digits = String(index)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        // Usage files first: they are the longest, so they start while the others fill the gaps.
        var tasks: [GenerationTask] = (0..<options.files).map {
            .usage($0, folder + "/usage/usage-\(numbered($0))" + suffix)
        }
        tasks += (0..<options.files).map { .charges($0, folder + "/charges/charges-\(numbered($0))" + suffix) }
        tasks.append(.subscriptions(folder + "/subscriptions" + suffix))

        let next = Mutex(0)
        let results = Mutex([Int: Result<[AnswerEntry], GeneratorError>]())
        let compressed = !options.plain
        let engine = options.gzipEngine
        let run: @Sendable (GenerationTask) -> Result<[AnswerEntry], GeneratorError> = { task in
            do throws(GeneratorError) {
                switch task {
                case .usage(let file, let path):
                    let context = RatingContext(rater: newRater(), planIDs: usage.planIDs)
                    let writer = CSVRowWriter(
                        output: try wrap { () throws(OutputError) in
                            try DataFileWriter(path: path, compressed: compressed, engine: engine)
                        })
                    return .success(try usage.writeFile(file, to: writer, context))
                case .charges(let file, let path):
                    let writer = CSVRowWriter(
                        output: try wrap { () throws(OutputError) in
                            try DataFileWriter(path: path, compressed: compressed, engine: engine)
                        })
                    return .success(try wrap { () throws(OutputError) in try charges.writeFile(file, to: writer) })
                case .subscriptions(let path):
                    let writer = CSVRowWriter(
                        output: try wrap { () throws(OutputError) in
                            try DataFileWriter(path: path, compressed: compressed, engine: engine)
                        })
                    try wrap { () throws(OutputError) in try charges.writeSubscriptions(to: writer) }
                    return .success([])
                }
            } catch {
                return .failure(error)
            }
        }
        let taskList = tasks
        DispatchQueue.concurrentPerform(iterations: min(options.threads, taskList.count)) { _ in
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < taskList.count else { return }
                let result = run(taskList[index])
                results.withLock { $0[index] = result }
            }
        }
        var entries: [AnswerEntry] = []
        let collected = results.withLock { $0 }
        for index in taskList.indices {
            switch collected[index]! {
            case .success(let fileEntries): entries += fileEntries
            case .failure(let error): throw error
            }
        }
        let answerKey = AnswerKey(entries: entries, ids: ids)

        try wrap { () throws(OutputError) in
            let providers = CSVRowWriter(output: try DataFileWriter(path: folder + "/providers.csv", compressed: false))
            try registry.write(to: providers)
            try providers.finish()
            let key = CSVRowWriter(output: try DataFileWriter(path: folder + "/answer-key.csv", compressed: false))
            try answerKey.write(
                to: key, ids: ids, fractionDigits: template.precision.fractionDigits,
                refundFactor: template.refundFactor)
        }
        // Absolute paths, quoted for the shell where they need it, so the command runs as written
        // from any folder (a relative --out would tie it to the folder `generate` ran in).
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        func path(_ name: String) -> String { shellQuoted(absolute + "/" + name) }
        let command =
            "recount audit --catalog \(path("catalog.yaml")) --usage \(path("usage")) --charges \(path("charges")) "
            + "--subscriptions \(path("subscriptions" + suffix)) --providers \(path("providers.csv")) --out \(path("audit"))"
        try writeText(
            readme(options: options, answerKey: answerKey, command: command, template: template),
            to: folder + "/README.txt")
        var files = [
            "catalog.yaml", "rates.csv", "providers.csv", "subscriptions" + suffix, "answer-key.csv", "README.txt",
        ]
        for task in taskList {
            switch task {
            case .usage(_, let path), .charges(_, let path): files.append(String(path.dropFirst(folder.count + 1)))
            case .subscriptions: break
            }
        }
        return GenerationSummary(
            usageRows: options.usageRows, charges: options.charges, answerKey: answerKey, files: files,
            auditCommand: command)
    }

    /// The engine's catalog for the generated YAML.
    /// Loading it through the engine also proves the written catalog valid under DESIGN §2.5.
    static func engineCatalog(yaml: String, path: String) throws(GeneratorError) -> TariffCatalog {
        do { return try TariffCatalog.parse(yaml: yaml, path: path) } catch {
            throw .catalogRejected(error.description)
        }
    }

    private static func wrap<T>(_ body: () throws(OutputError) -> T) throws(GeneratorError) -> T {
        do { return try body() } catch { throw .output(error) }
    }

    private static func writeText(_ text: String, to path: String) throws(GeneratorError) {
        try wrap { () throws(OutputError) in
            let sink = try FileSink(path: path)
            try sink.write(text)
            try sink.close()
        }
    }

    /// Creates the folder and its `usage/` and `charges/`; a non-empty folder is replaced only
    /// with `force`, and then only what this generator writes is removed: its top-level files, the
    /// numbered files in `usage/` and `charges/`, and `audit/` when it holds nothing but the
    /// reports of the set's README command. Anything else the user put there stays.
    private static func prepare(folder: String, force: Bool) throws(GeneratorError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .cannotCreateFolder(path: folder, reason: "a file of that name exists")
            }
            let contents = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            if !contents.isEmpty {
                guard force else { throw .outputNotEmpty(path: folder) }
                let files: Set<String> = [
                    "catalog.yaml", "rates.csv", "subscriptions.csv", "subscriptions.csv.gz", "providers.csv",
                    "answer-key.csv", "README.txt",
                ]
                var doomed = contents.filter { files.contains($0) }.map { folder + "/" + $0 }
                for kind in ["usage", "charges"] {
                    let names = (try? manager.contentsOfDirectory(atPath: folder + "/" + kind)) ?? []
                    doomed += names.filter { isNumberedDataFile($0, kind: kind) }.map { folder + "/" + kind + "/" + $0 }
                }
                let audit = (try? manager.contentsOfDirectory(atPath: folder + "/audit")) ?? []
                if !audit.isEmpty, audit.allSatisfy(OutputPlace.reportNames.contains) {
                    doomed.append(folder + "/audit")
                }
                for path in doomed {
                    do { try manager.removeItem(atPath: path) } catch {
                        throw .cannotCreateFolder(path: path, reason: "cannot remove it: \(error.fileSystemReason)")
                    }
                }
            }
        }
        for path in [folder, folder + "/usage", folder + "/charges"] {
            do throws(OutputError) { try OutputPlace.makeFolders(path) } catch { throw .output(error) }
        }
    }

    /// The text as one shell word: as it is when it holds only safe characters, else in single
    /// quotes (a `'` inside written as `'\''`).
    static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
                || "/._-+,:@%=".unicodeScalars.contains($0)
        }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `usage-00003.csv.gz`, `charges-00000.csv`: the names `generate` gives its data files.
    static func isNumberedDataFile(_ name: String, kind: String) -> Bool {
        guard name.hasPrefix(kind + "-") else { return false }
        var rest = name.dropFirst(kind.count + 1)
        if rest.hasSuffix(".csv.gz") {
            rest = rest.dropLast(7)
        } else if rest.hasSuffix(".csv") {
            rest = rest.dropLast(4)
        } else {
            return false
        }
        return rest.count >= 5 && rest.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func readme(
        options: GeneratorOptions, answerKey: AnswerKey, command: String, template: CatalogTemplate
    )
        -> String
    {
        let counts = answerKey.counts
        var text = """
            Synthetic Recount data set (recount generate --seed \(options.seed)).

            Cycle \(CivilTime.formatCycle(template.cycle)), catalog timezone \(template.timezoneText), \
            \(options.usageRows) usage rows in \(options.files) files, \(options.charges) charge items, \
            \(options.accounts) accounts, each rule planted at rate \(Double(options.errorRatePPM) / 1_000_000).

            Audit it with:

                \(command)

            answer-key.csv lists every planted error (kind,record_id,rule,overcharge,refund), sorted by
            kind, record_id, rule; undercharges are listed with overcharge 0 and refund 0.
            rates.csv is a flat view of catalog.yaml for the SQL and dataframe benchmarks.

            Planted errors per rule:

            """
        for rule in PlantedRule.allCases {
            text += "    \(rule.rawValue): \(counts[rule] ?? 0)\n"
        }
        text +=
            "    total refund: \(ExactAmount(answerKey.totalRefund(refundFactor: template.refundFactor)).formatted(template.precision, .halfUp))\n"
        return text
    }
}
