import Foundation
import RecountTestSupport
import Testing

@testable import RecountCore

@Suite(.temporaryFolders) struct GeneratorTests {
    typealias Support = GeneratorTestSupport

    /// Output bytes depend on the seed only, not on how many threads write the files.
    @Test(arguments: ["plain", "isal", "zlib"])
    func sameBytesForEveryThreadCount(format: String) throws {
        var reference: [String: Data]?
        // One folder, replaced each time: README.txt names the folder, so it must be the same.
        let folder = Support.temporaryFolder("threads")
        for threads in [1, 2, 5] {
            var options = Support.options(
                folder, rows: 4000, charges: 800, files: 4, threads: threads, plain: format == "plain")
            options.gzipEngine = GzipEngine(rawValue: format) ?? .standard
            options.force = true
            try Support.generate(options)
            var contents: [String: Data] = [:]
            for path in Support.files(in: folder) {
                contents[path] = FileManager.default.contents(atPath: folder + "/" + path)
            }
            #expect(contents.count == 14)
            if let reference { #expect(contents == reference, "threads \(threads)") } else { reference = contents }
        }
    }

    @Test func differentSeedsGiveDifferentData() throws {
        let first = Support.temporaryFolder("seed")
        let second = Support.temporaryFolder("seed")
        try Support.generate(Support.options(first, seed: 1))
        try Support.generate(Support.options(second, seed: 2))
        let a = FileManager.default.contents(atPath: first + "/usage/usage-00000.csv")
        let b = FileManager.default.contents(atPath: second + "/usage/usage-00000.csv")
        #expect(a != b)
    }

    /// The gzip files (one member with zlib, one per MiB with ISA-L) hold exactly the bytes of the plain ones.
    @Test(arguments: GzipEngine.allCases)
    func gzipMatchesPlain(engine: GzipEngine) throws {
        let plain = Support.temporaryFolder("plain")
        let packed = Support.temporaryFolder("packed")
        try Support.generate(Support.options(plain, rows: 40_000, plain: true))
        var options = Support.options(packed, rows: 40_000, plain: false)
        options.gzipEngine = engine
        try Support.generate(options)
        for path in Support.files(in: packed) where path.hasSuffix(".gz") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-dc", packed + "/" + path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(data == FileManager.default.contents(atPath: plain + "/" + String(path.dropLast(3))), "\(path)")
        }
    }

    /// Every field of every file follows DESIGN §2 and §5a's grammar.
    @Test func everyRowFollowsTheGrammar() throws {
        let folder = Support.temporaryFolder("grammar")
        try Support.generate(Support.options(folder))
        func isAmount(_ text: String) -> Bool {
            text.wholeMatch(of: /-?[0-9]+(\.[0-9]{1,6})?/) != nil
        }
        func isTimestamp(_ text: String) -> Bool {
            text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?/) != nil
                && Support.instant(text, offset: 0) != nil
        }
        func isCount(_ text: String) -> Bool { text.wholeMatch(of: /[0-9]+/) != nil }
        func isCycle(_ text: String) -> Bool { text.isEmpty || text.wholeMatch(of: /\d{4}-(0[1-9]|1[0-2])/) != nil }
        var styles = Set<String>()
        for path in Support.files(in: folder + "/usage") {
            let (header, rows) = try Support.table(folder + "/usage/" + path)
            #expect(header == UsageGenerator.header.dropLast().split(separator: ",").map(String.init))
            for row in rows {
                #expect(row.count == header.count)
                #expect(row["record_id"]!.wholeMatch(of: /U\d{10}/) != nil)
                #expect(["voice", "sms", "data"].contains(row["service"]!))
                #expect(isTimestamp(row["start"]!), "\(row)")
                #expect(
                    isCount(row["duration_s"]!) && isCount(row["volume_bytes"]!) && isCount(row["billed_quantity"]!))
                #expect(row["destination"]!.wholeMatch(of: /[0-9]*/) != nil)
                #expect(isAmount(row["billed_amount"]!))
                #expect(isCycle(row["cycle"]!))
                if row["service"] != "voice" { #expect(row["duration_s"] == "0") }
                if row["service"] != "data" {
                    #expect(row["volume_bytes"] == "0")
                } else {
                    #expect(row["destination"] == "")
                }
                let start = row["start"]!
                styles.insert(start.count == 19 ? "local" : start.hasSuffix("Z") ? "Z" : String(start.suffix(6)))
            }
        }
        #expect(styles.isSuperset(of: ["local", "Z", "+08:00"]))
        for path in Support.files(in: folder + "/charges") {
            for row in try Support.table(folder + "/charges/" + path).rows {
                #expect(row.count == 8)
                #expect(!row["item_id"]!.isEmpty && isAmount(row["amount"]!) && isTimestamp(row["charged_at"]!))
                #expect(isCycle(row["cycle"]!))
            }
        }
        for row in try Support.table(folder + "/subscriptions.csv").rows {
            #expect(row.count == 7)
            #expect(isTimestamp(row["ordered_at"]!))
            #expect(row["confirmed_at"]!.isEmpty || isTimestamp(row["confirmed_at"]!))
            #expect(row["cancelled_at"]!.isEmpty || isTimestamp(row["cancelled_at"]!))
            #expect(!row["provider"]!.isEmpty && !row["service_code"]!.isEmpty)
        }
        let providers = try Support.table(folder + "/providers.csv")
        #expect(providers.rows.contains { $0["name"] == "Blue Sky Media, Ltd." })
        #expect(providers.rows.contains { $0["name"] == "Ocean \"Wave\" Apps" })
        for row in providers.rows {
            #expect(row["valid_from"]!.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil)
            #expect(row["valid_to"]!.isEmpty || row["valid_to"]!.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil)
        }
        let readme = try String(contentsOfFile: folder + "/README.txt", encoding: .utf8)
        #expect(
            readme.contains(
                "recount audit --catalog \(folder)/catalog.yaml --usage \(folder)/usage --charges \(folder)/charges "
                    + "--subscriptions \(folder)/subscriptions.csv --providers \(folder)/providers.csv --out \(folder)/audit"
            ))
    }

    /// An independent audit of the written files finds exactly the answer key: every planted
    /// error with its rule and amount, and nothing on the clean rows.
    @Test(arguments: [UInt64(3), 11, 2026])
    func answerKeyMatchesAnIndependentAudit(seed: UInt64) throws {
        let folder = Support.temporaryFolder("key")
        let summary = try Support.generate(Support.options(folder, rows: 12_000, charges: 3000, files: 3, seed: seed))
        let audit = try Support.audit(folder, rater: OracleRater(catalog: CatalogTemplate(seed: seed, cycle: 202_610)))
        #expect(audit.entries.count == summary.answerKey.entries.count)
        for (found, planted) in zip(audit.entries, summary.answerKey.entries) where found != planted {
            Issue.record("audit \(found) vs planted \(planted)")
            break
        }
        #expect(audit.entries == summary.answerKey.entries)
        // Every rule and every way a confirmation fails is present.
        #expect(Set(summary.answerKey.entries.map(\.rule)) == Set(PlantedRule.allCases))
        #expect(audit.confirmationFailures.count == 5)
        #expect(audit.crossFileDuplicates > 0 && audit.contentDuplicates > 0)
        // The file on disk says the same: sorted, amounts with the catalog's 3 digits, refund = 2 × overcharge.
        let rows = try Support.answerKeyRows(folder)
        #expect(rows.count == summary.answerKey.entries.count)
        #expect(
            rows.map { $0[0] + "," + $0[1] + "," + $0[2] } == rows.map { $0[0] + "," + $0[1] + "," + $0[2] }.sorted())
        for row in rows {
            #expect(row[3].wholeMatch(of: /\d+\.\d{3}/) != nil && row[4].wholeMatch(of: /\d+\.\d{3}/) != nil)
            #expect(Money(row[4])!.micros == 2 * Money(row[3])!.micros)
            if row[2] == "undercharge" { #expect(row[3] == "0.000") }
        }
    }

    /// The written catalog loads in the engine (DESIGN §2.5 validity) with the template's settings.
    @Test func catalogLoadsInTheEngine() throws {
        let folder = Support.temporaryFolder("catalog")
        try Support.generate(Support.options(folder, rows: 10, charges: 10))
        let catalog = try TariffCatalog.load(path: folder + "/catalog.yaml")
        #expect(catalog.timezoneOffset == 8 * 3600 && catalog.precision.fractionDigits == 3)
        #expect(catalog.minConfirmationDelay == 10 && catalog.confirmationWindow == 86_400)
        let prefixes = Set(
            try String(contentsOfFile: folder + "/rates.csv", encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false)[5]
            })
        #expect(prefixes.count > 200)
    }

    /// Fewer rows than files (some files empty, no earlier row for a cross-file repeat) and a
    /// handful of charges: the set is still written and its answer key still exact. Rows 1–3 in
    /// 4 files used to stop on a precondition (a repeat of row 0 drawn from no earlier rows).
    @Test(arguments: [(Int64(0), Int64(0)), (1, 1), (2, 0), (3, 2), (5, 3)])
    func tinySetsKeepAnExactAnswerKey(rows: Int64, charges: Int64) throws {
        let folder = Support.temporaryFolder("tiny")
        let summary = try Support.generate(Support.options(folder, rows: rows, charges: charges, files: 4))
        let audit = try Support.audit(folder, rater: OracleRater(catalog: CatalogTemplate(seed: 7, cycle: 202_610)))
        #expect(audit.entries == summary.answerKey.entries)
        let usageRows = try Support.files(in: folder).filter { $0.hasPrefix("usage/") }.map {
            try Support.table(folder + "/" + $0).rows.count
        }
        #expect(usageRows.count == 4 && usageRows.reduce(0, +) == Int(rows))
    }

    /// One row per file for 40 files: every file's first row repeats an earlier one, which
    /// repeats an earlier one in turn — rebuilt recursively that took ~30 s (9^depth rows); the
    /// originals are now remembered per file, and the answer key is still exact.
    @Test func chainsOfRepeatsStayCheap() throws {
        let folder = Support.temporaryFolder("chain")
        let summary = try Support.generate(Support.options(folder, rows: 40, charges: 10, files: 40))
        let audit = try Support.audit(folder, rater: OracleRater(catalog: CatalogTemplate(seed: 7, cycle: 202_610)))
        #expect(audit.entries == summary.answerKey.entries)
        #expect(summary.answerKey.entries.filter { $0.rule == .duplicateCharge }.count >= 30)
    }

    /// Any cycle in `GeneratorOptions.cycleYears` makes a valid set with an exact answer key:
    /// the template's filing and licence dates follow the cycle's year (they were fixed years,
    /// and cycles before 2025 made a catalog the engine refused, cycles after 2030 licences that
    /// had run out).
    @Test(arguments: [Int32(199_001), 202_402, 203_101, 219_012])
    func everyCycleYearMakesAValidSet(cycle: Int32) throws {
        let folder = Support.temporaryFolder("cycle\(cycle)")
        var options = Support.options(folder, rows: 6000, charges: 1500, files: 2, seed: 5)
        options.cycle = cycle
        let summary = try Support.generate(options)
        let audit = try Support.audit(folder, rater: OracleRater(catalog: CatalogTemplate(seed: 5, cycle: cycle)))
        #expect(audit.entries == summary.answerKey.entries)
        #expect(Set(summary.answerKey.entries.map(\.rule)) == Set(PlantedRule.allCases))
    }

    @Test func zeroRatePlantsNothing() throws {
        let folder = Support.temporaryFolder("clean")
        let summary = try Support.generate(Support.options(folder, rate: 0))
        #expect(summary.answerKey.entries.isEmpty)
        let audit = try Support.audit(folder, rater: OracleRater(catalog: CatalogTemplate(seed: 7, cycle: 202_610)))
        #expect(audit.entries.isEmpty)
    }

    @Test func invalidOptionsAreRejected() {
        var options = Support.options(Support.temporaryFolder("bad"))
        options.errorRatePPM = 200_000
        #expect(throws: GeneratorError.self) { try options.validate() }
        options = Support.options(Support.temporaryFolder("bad"))
        options.usageRows = 10_000_000
        options.accounts = 1
        #expect(throws: GeneratorError.self) { try options.validate() }
        let empty = #expect(throws: GeneratorError.self) { try GeneratorOptions(outputFolder: "").validate() }
        #expect(empty?.description == "--out is empty: give the folder to write the set to")
        for prefix in ["A,B", "say \"x\"", "with space", "tab\t", "é", String(repeating: "X", count: 33)] {
            options = Support.options(Support.temporaryFolder("bad"))
            options.idPrefix = prefix
            let error = #expect(throws: GeneratorError.self, "prefix \(prefix)") { try options.validate() }
            #expect(error?.description.hasPrefix("--id-prefix must be") == true)
        }
        for prefix in ["", "CDR-2026-10-", String(repeating: "X", count: 32), "a:b/c_d.e"] {
            options = Support.options(Support.temporaryFolder("good"))
            options.idPrefix = prefix
            #expect(throws: Never.self, "prefix \(prefix)") { try options.validate() }
        }
    }

    /// `--id-prefix` starts every usage record_id and charge item_id, in the data and the answer
    /// key alike; the rest of the set is unchanged.
    @Test func idPrefixStartsEveryIDAndChangesNothingElse() throws {
        let plainFolder = Support.temporaryFolder("noprefix")
        try Support.generate(Support.options(plainFolder))
        let prefixedFolder = Support.temporaryFolder("prefix")
        var options = Support.options(prefixedFolder)
        options.idPrefix = "CDR-2026-10-"
        try Support.generate(options)
        var compared = ["answer-key.csv", "providers.csv", "catalog.yaml"]
        compared += Support.files(in: plainFolder + "/usage").map { "usage/" + $0 }
        compared += Support.files(in: plainFolder + "/charges").map { "charges/" + $0 }
        for name in compared {
            let expected = try String(contentsOfFile: plainFolder + "/" + name, encoding: .utf8)
            // The answer key has the id second; the data files first.
            let unprefixed = try String(contentsOfFile: prefixedFolder + "/" + name, encoding: .utf8)
                .replacingOccurrences(of: ",CDR-2026-10-", with: ",")
                .replacingOccurrences(of: "\nCDR-2026-10-", with: "\n")
            #expect(unprefixed == expected, "\(name)")
        }
        let ids = try Support.table(prefixedFolder + "/usage/" + Support.files(in: prefixedFolder + "/usage")[0]).rows
            .map { $0["record_id"]! }
        #expect(!ids.isEmpty && ids.allSatisfy { $0.hasPrefix("CDR-2026-10-U") && $0.utf8.count == 23 })
        let key = try String(contentsOfFile: prefixedFolder + "/answer-key.csv", encoding: .utf8).split(separator: "\n")
        #expect(key.count > 1 && key.dropFirst().allSatisfy { $0.split(separator: ",")[1].hasPrefix("CDR-2026-10-") })
    }

    /// `--id-format uuid` (and `uuid-upper`) writes each id as a version-4-shaped UUID that is a
    /// one-to-one function of the numbered id: the data files line up row by row with the
    /// numbered set's, every id swapped for its UUID and nothing else changed; the answer key
    /// holds the same rows, sorted by the new ids' text.
    @Test(arguments: [RecordIDFormat.uuid, .uuidUpper])
    func uuidIDsChangeNothingButTheIDs(format: RecordIDFormat) throws {
        let numberedFolder = Support.temporaryFolder("numbered")
        try Support.generate(Support.options(numberedFolder))
        let uuidFolder = Support.temporaryFolder("uuid")
        var options = Support.options(uuidFolder)
        options.idFormat = format
        try Support.generate(options)
        let uuids = RecordID(format: format)
        func uuid(of numbered: Substring) -> String {
            uuids.text(numbered.first == "U" ? .usage : .charge, Int64(numbered.dropFirst())!)
        }
        for kind in ["usage", "charges"] {
            for name in Support.files(in: numberedFolder + "/" + kind) {
                let numbered = try String(contentsOfFile: numberedFolder + "/\(kind)/" + name, encoding: .utf8)
                    .split(separator: "\n")
                let swapped = try String(contentsOfFile: uuidFolder + "/\(kind)/" + name, encoding: .utf8)
                    .split(separator: "\n")
                #expect(swapped.count == numbered.count && swapped.first == numbered.first, "\(name)")
                for (row, expected) in zip(swapped.dropFirst(), numbered.dropFirst()) {
                    let id = expected.prefix { $0 != "," }
                    #expect(row == uuid(of: id) + expected.dropFirst(id.count), "\(name)")
                }
            }
        }
        let numberedKey = try String(contentsOfFile: numberedFolder + "/answer-key.csv", encoding: .utf8)
            .split(separator: "\n")
        let uuidKey = try String(contentsOfFile: uuidFolder + "/answer-key.csv", encoding: .utf8).split(separator: "\n")
        let mapped = numberedKey.dropFirst().map { row -> String in
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            return ([String(fields[0]), uuid(of: fields[1])] + fields.dropFirst(2).map(String.init)).joined(
                separator: ",")
        }
        #expect(uuidKey.first == numberedKey.first && uuidKey.count > 1)
        // Sorted by kind, then the id's text (then rule, as before).
        let ordered = uuidKey.dropFirst().map { row in row.split(separator: ",").prefix(2).joined(separator: ",") }
        #expect(
            zip(ordered, ordered.dropFirst()).allSatisfy { !Array($1.utf8).lexicographicallyPrecedes(Array($0.utf8)) })
        #expect(Set(uuidKey.dropFirst().map(String.init)) == Set(mapped))
    }

    /// UUID ids: the version-4 shape, one per (kind, number) — no two alike over 200,000 — and
    /// the sort key orders as the texts do.
    @Test func uuidIDsAreUniqueAndSortAsTheirText() throws {
        let ids = RecordID(format: .uuid)
        let shape = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        var seen = Set<String>()
        var keyed: [(key: (UInt64, UInt64), text: String)] = []
        for kind in [RecordKind.usage, .charge] {
            for number in Int64(0)..<100_000 {
                let text = ids.text(kind, number)
                #expect(seen.insert(kind.rawValue + text).inserted)
                if number < 5 || number % 997 == 0 {
                    #expect(text.wholeMatch(of: shape) != nil, "\(text)")
                    if kind == .usage { keyed.append((ids.sortKey(kind, number), text)) }
                }
            }
        }
        let byKey = keyed.sorted { $0.key < $1.key }.map(\.text)
        #expect(byKey == keyed.map(\.text).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(RecordID(prefix: "CDR-", format: .uuid).text(.usage, 42) == "CDR-" + ids.text(.usage, 42))
        // uuid-upper: the same UUIDs in uppercase, in the same order.
        let upper = RecordID(format: .uuidUpper)
        for number in [Int64(0), 1, 42, 99_999] {
            #expect(upper.text(.usage, number) == ids.text(.usage, number).uppercased())
            #expect(upper.sortKey(.charge, number) == ids.sortKey(.charge, number))
        }
    }

    @Test func refusesANonEmptyFolderWithoutForce() throws {
        let folder = Support.temporaryFolder("twice")
        try Support.generate(Support.options(folder))
        #expect(throws: GeneratorError.self) { try Support.generate(Support.options(folder)) }
        var options = Support.options(folder)
        options.force = true
        try Support.generate(options)
    }

    /// `--force` removes what the generator wrote (its files, numbered data files, an `audit/` of
    /// reports only) and keeps everything else, including an `audit/` that holds other files.
    @Test func forceRemovesOnlyWhatTheGeneratorWrote() throws {
        let folder = Support.temporaryFolder("force")
        try Support.generate(Support.options(folder, files: 3))
        let manager = FileManager.default
        for (path, text) in [
            ("usage/notes.txt", "n"), ("usage/.hidden", "h"), ("charges/mine.csv", "m"), ("mine.txt", "t"),
        ] {
            #expect(manager.createFile(atPath: folder + "/" + path, contents: Data(text.utf8)))
        }
        try manager.createDirectory(atPath: folder + "/audit", withIntermediateDirectories: true)
        #expect(manager.createFile(atPath: folder + "/audit/summary.json", contents: Data("{}".utf8)))
        var options = Support.options(folder, files: 2)
        options.force = true
        try Support.generate(options)
        let left = Set(Support.files(in: folder))
        #expect(left.isSuperset(of: ["usage/notes.txt", "usage/.hidden", "charges/mine.csv", "mine.txt"]))
        #expect(!left.contains("usage/usage-00002.csv") && !left.contains("audit/summary.json"))
        #expect(left.contains("usage/usage-00001.csv"))
        // An audit folder with anything but reports in it is not the generator's to remove.
        try manager.createDirectory(atPath: folder + "/audit", withIntermediateDirectories: true)
        #expect(manager.createFile(atPath: folder + "/audit/summary.json", contents: Data("{}".utf8)))
        #expect(manager.createFile(atPath: folder + "/audit/notes.md", contents: Data("n".utf8)))
        try Support.generate(options)
        #expect(Set(Support.files(in: folder)).isSuperset(of: ["audit/summary.json", "audit/notes.md"]))
    }

    @Test func shellQuotingKeepsPathsOneWord() {
        #expect(DataSetGenerator.shellQuoted("/tmp/set-1/usage") == "/tmp/set-1/usage")
        #expect(DataSetGenerator.shellQuoted("sp ace/usage") == "'sp ace/usage'")
        #expect(DataSetGenerator.shellQuoted("it's") == "'it'\\''s'")
        #expect(DataSetGenerator.shellQuoted("a$b;c") == "'a$b;c'")
        #expect(DataSetGenerator.shellQuoted("") == "''")
    }

    /// Slots split the cycle into disjoint, non-empty, increasing intervals.
    @Test(arguments: [Int64(1), 7, 1000, 600_000])
    func slotBoundsAreStrictlyIncreasing(slots: Int64) {
        let bounds = UsageGenerator.slotBounds(
            slots: slots, days: 31, firstDay: CivilTime.days(year: 2026, month: 10, day: 1))
        #expect(bounds.first == 0 && bounds.last == 31 * 86_400 && bounds.count == Int(slots) + 1)
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
    }
}
