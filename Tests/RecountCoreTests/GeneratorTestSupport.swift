import Foundation
import RecountTestSupport

@testable import RecountCore

/// Helpers for the generator tests: temporary folders, an RFC 4180 reader, and an independent
/// auditor (DESIGN §4 and §5a written plainly over strings) to check the answer key against.
enum GeneratorTestSupport {
    /// A place for a set (not yet made), removed when the test ends (the suite needs `.temporaryFolders`).
    static func temporaryFolder(_ name: String) -> String { TemporaryFolders.make(name) + "/set" }

    static func options(
        _ folder: String, rows: Int64 = 6000, charges: Int64 = 1500, files: Int = 3, seed: UInt64 = 7,
        threads: Int = 2, plain: Bool = true, rate: Int64 = 20_000
    ) -> GeneratorOptions {
        var options = GeneratorOptions(outputFolder: folder)
        options.usageRows = rows
        options.accounts = 300
        options.charges = charges
        options.files = files
        options.seed = seed
        options.threads = threads
        options.plain = plain
        options.errorRatePPM = rate
        return options
    }

    /// Generates with the engine's rater, as `recount generate` does; the tests then audit with
    /// the oracle rater, so the engine and the oracle must agree on every generated record.
    @discardableResult
    static func generate(_ options: GeneratorOptions) throws -> GenerationSummary {
        try DataSetGenerator.generate(options)
    }

    /// All files under a folder, relative paths, sorted.
    static func files(in folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)!
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                paths.append(path)
            }
        }
        return paths.sorted()
    }

    /// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar?
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == "," {
                row.append(field)
                field = ""
            } else if scalar == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Header-keyed rows of a plain CSV file.
    static func table(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        let records = csv(try String(contentsOfFile: path, encoding: .utf8))
        let header = records[0]
        return (header, records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    static func instant(_ text: String, offset: Int64) -> Int64? {
        FieldDecoder.withBytes(text) { FieldDecoder.timestamp($0, defaultOffset: offset) }
    }

    static func money(_ text: String) -> Money? { Money(text) }

    /// Items read back from catalog.yaml's `items:` section (the generator writes one field per line).
    struct FiledItem { var code = "", amount = Money.zero, from: Int64 = 0, to: Int64?, vas = false }
    static func items(fromYAML yaml: String) -> [FiledItem] {
        var items: [FiledItem] = []
        var inItems = false
        for line in yaml.split(separator: "\n").map(String.init) {
            if line == "items:" {
                inItems = true
                continue
            }
            guard inItems else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- code: ") {
                items.append(FiledItem(code: String(trimmed.dropFirst(8))))
                continue
            }
            let parts = trimmed.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            let date = { FieldDecoder.withBytes(parts[1]) { FieldDecoder.date($0) } }
            switch parts[0] {
            case "amount": items[items.count - 1].amount = Money(parts[1])!
            case "effective_from": items[items.count - 1].from = date()!
            case "effective_to": items[items.count - 1].to = date()!
            case "requires_subscription": items[items.count - 1].vas = parts[1] == "true"
            default: break
            }
        }
        return items
    }

    /// Why each order of an `unconfirmed-subscription` charge failed (DESIGN §5a), for coverage.
    enum ConfirmationFailure: Hashable {
        case missing, beforeOrder, laterThanWindow, soonerThanMinimumDelay, afterCharge
    }

    struct Order { var ordered: Int64, confirmed: Int64?, cancelled: Int64? }

    struct AuditResult {
        var entries: [AnswerEntry] = []
        var confirmationFailures: Set<ConfirmationFailure> = []
        var crossFileDuplicates = 0
        var contentDuplicates = 0
    }

    /// Audits a plain data set from its files, with `rater` for the expected usage amounts.
    static func audit(_ folder: String, rater: some UsageRating) throws -> AuditResult {
        let offset: Int64 = 8 * 3600  // the generated catalog's timezone
        let window: Int64 = 86_400
        let minimumDelay: Int64 = 10
        var result = AuditResult()
        func number(_ id: String) -> Int64 { Int64(id.dropFirst())! }

        var seenIDs: [String: Int] = [:]
        var seenContent: [String: Int] = [:]
        for (fileIndex, path) in files(in: folder + "/usage").enumerated() {
            for row in try table(folder + "/usage/" + path).rows {
                let id = row["record_id"]!
                let service = Service.parse(Array(row["service"]!.utf8).withUnsafeBytes { $0 })!
                let start = instant(row["start"]!, offset: offset)!
                let duration = Int64(row["duration_s"]!)!
                let volume = Int64(row["volume_bytes"]!)!
                let billedQuantity = Int64(row["billed_quantity"]!)!
                let billed = Money(row["billed_amount"]!)!
                let destination = row["destination"]!
                let content = "\(row["account"]!)|\(service)|\(start)|\(destination)|\(duration)|\(volume)"
                var rule: PlantedRule?
                var overcharge = Money.zero
                if let earlier = seenIDs[id] ?? (service == .sms ? nil : seenContent[content]) {
                    rule = .duplicateCharge
                    overcharge = billed
                    if earlier != fileIndex { result.crossFileDuplicates += 1 }
                    if seenIDs[id] == nil { result.contentDuplicates += 1 }
                } else {
                    let plan = Array(row["plan"]!.utf8)
                    let digits = Array(destination.utf8)
                    let rating = plan.withUnsafeBytes { planBytes in
                        digits.withUnsafeBytes { destinationBytes in
                            rater.rate(
                                UsageEvent(
                                    planID: planBytes, service: service, start: start, durationSeconds: duration,
                                    volumeBytes: volume, destination: destinationBytes))
                        }
                    }
                    switch rating {
                    case .unfiled, .unrepresentable:
                        rule = .unfiledTariff
                        overcharge = billed
                    case .rated(let quantity, let expected):
                        let unanswered = (service == .voice && duration == 0) || (service == .data && volume == 0)
                        if unanswered, billed > .zero {
                            rule = .unansweredCharged
                            overcharge = billed
                        } else if billedQuantity > quantity, billed > expected {
                            rule = .unitInflation
                            overcharge = billed - expected
                        } else if billed > expected {
                            rule = .rateInflation
                            overcharge = billed - expected
                        } else if billed < expected {
                            rule = .undercharge
                        }
                    }
                }
                seenIDs[id] = seenIDs[id] ?? fileIndex
                if service != .sms { seenContent[content] = seenContent[content] ?? fileIndex }
                if let rule {
                    result.entries.append(
                        AnswerEntry(kind: .usage, recordNumber: number(id), rule: rule, overcharge: overcharge))
                }
            }
        }

        let items = items(fromYAML: try String(contentsOfFile: folder + "/catalog.yaml", encoding: .utf8))
        var licences: [String: [(licence: String, from: Int64, to: Int64?)]] = [:]
        for row in try table(folder + "/providers.csv").rows {
            let date = { (text: String) in FieldDecoder.withBytes(text) { FieldDecoder.date($0) } }
            licences[row["provider"]!, default: []].append(
                (row["licence"]!, date(row["valid_from"]!)!, date(row["valid_to"]!)))
        }
        var orders: [String: [Order]] = [:]
        let subscriptions = files(in: folder).first { $0.hasPrefix("subscriptions") }!
        for row in try table(folder + "/" + subscriptions).rows {
            let key = row["account"]! + "|" + row["provider"]! + "|" + row["service_code"]!
            orders[key, default: []].append(
                Order(
                    ordered: instant(row["ordered_at"]!, offset: offset)!,
                    confirmed: instant(row["confirmed_at"]!, offset: offset),
                    cancelled: instant(row["cancelled_at"]!, offset: offset)))
        }
        for path in files(in: folder + "/charges") {
            for row in try table(folder + "/charges/" + path).rows {
                let at = instant(row["charged_at"]!, offset: offset)!
                let day = CivilTime.floorDiv(at + offset, 86_400)
                let amount = Money(row["amount"]!)!
                let provider = row["provider"]!
                let item = items.first { $0.code == row["code"]! && $0.from <= day && day <= ($0.to ?? Int64.max) }
                var rule: PlantedRule?
                var overcharge = amount
                if let item {
                    let licensed = (licences[provider] ?? []).contains {
                        !$0.licence.isEmpty && $0.from <= day && day <= ($0.to ?? Int64.max)
                    }
                    if (!provider.isEmpty || item.vas) && !licensed {
                        rule = .unlicensedProvider
                    } else if item.vas {
                        let found = orders[row["account"]! + "|" + provider + "|" + row["service_code"]!] ?? []
                        let valid = found.filter {
                            guard let confirmed = $0.confirmed else { return false }
                            return $0.ordered <= confirmed && confirmed - $0.ordered >= minimumDelay
                                && confirmed - $0.ordered <= window && confirmed <= at
                        }
                        if found.isEmpty {
                            rule = .noSubscription
                        } else if valid.isEmpty {
                            rule = .unconfirmedSubscription
                            for order in found {
                                guard let confirmed = order.confirmed else {
                                    result.confirmationFailures.insert(.missing)
                                    continue
                                }
                                if confirmed < order.ordered {
                                    result.confirmationFailures.insert(.beforeOrder)
                                } else if confirmed - order.ordered > window {
                                    result.confirmationFailures.insert(.laterThanWindow)
                                } else if confirmed - order.ordered < minimumDelay {
                                    result.confirmationFailures.insert(.soonerThanMinimumDelay)
                                } else if confirmed > at {
                                    result.confirmationFailures.insert(.afterCharge)
                                }
                            }
                        } else if valid.allSatisfy({ $0.cancelled.map { $0 <= at } ?? false }) {
                            rule = .chargedAfterCancellation
                        }
                    }
                    if rule == nil, amount > item.amount {
                        rule = .itemOverpriced
                        overcharge = amount - item.amount
                    }
                } else {
                    rule = .unfiledItem
                }
                if let rule {
                    result.entries.append(
                        AnswerEntry(
                            kind: .charge, recordNumber: number(row["item_id"]!), rule: rule, overcharge: overcharge))
                }
            }
        }
        result.entries = AnswerKey(entries: result.entries).entries
        return result
    }

    /// answer-key.csv read back.
    static func answerKeyRows(_ folder: String) throws -> [[String]] {
        Array(csv(try String(contentsOfFile: folder + "/answer-key.csv", encoding: .utf8)).dropFirst())
    }
}
