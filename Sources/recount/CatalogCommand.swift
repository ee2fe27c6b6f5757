import ArgumentParser
import Foundation
import RecountCore

/// `recount catalog …`: work with tariff catalogs on their own, before any audit run.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Inspect tariff catalogs.",
        subcommands: [Check.self])

    /// `recount catalog check C`: load and validate a catalog, print what it files.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a tariff catalog and list its plans and charge items.",
            discussion: "Exits with status 1 and the file, YAML path, line and reason when the catalog is rejected.")

        @Argument(help: "The catalog YAML file.")
        var catalog: String

        func run() throws {
            let loaded: TariffCatalog
            do {
                loaded = try TariffCatalog.load(path: catalog)
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
            print(Self.report(loaded), terminator: "")
        }

        /// The listing `check` prints: settings, then one row per plan version and item version.
        static func report(_ catalog: TariffCatalog) -> String {
            var out = "\(catalog.path): OK\n"
            out += "currency \(catalog.currency), timezone \(offsetText(catalog.timezoneOffset)), "
            out += "amount_precision \(catalog.precision), rounding \(catalog.rounding.rawValue), "
            out += "refund_factor \(catalog.refundFactor.plainText)\n"
            out += "confirmation_window \(catalog.confirmationWindow)s, "
            out += "min_confirmation_delay \(catalog.minConfirmationDelay)s\n\n"
            var plans = [["plan", "period", "approval", "band_rule", "voice", "sms", "data"]]
            for plan in catalog.plans {
                plans.append([
                    plan.id, plan.periodDescription, plan.approval, plan.bandRule.rawValue,
                    "\(plan.voice.count)", "\(plan.sms.count)", plan.data == nil ? "0" : "1",
                ])
            }
            out += "\(catalog.plans.count) plan version(s)\n" + table(plans) + "\n"
            var items = [["item", "amount", "period", "approval", "requires_subscription"]]
            for item in catalog.items {
                let period =
                    CivilTime.formatDate(days: item.effectiveFrom) + ".."
                    + (item.effectiveTo.map { CivilTime.formatDate(days: $0) } ?? "open")
                items.append([
                    item.code, item.amount.plainText, period, item.approval, item.requiresSubscription ? "yes" : "no",
                ])
            }
            out += "\(catalog.items.count) item version(s)\n" + table(items)
            return out
        }

        static func offsetText(_ seconds: Int64) -> String {
            let sign = seconds < 0 ? "-" : "+"
            let minutes = abs(seconds) / 60
            return sign + pad(minutes / 60) + ":" + pad(minutes % 60)
        }

        private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

        /// Left-aligned columns separated by two spaces.
        static func table(_ rows: [[String]]) -> String {
            guard let first = rows.first else { return "" }
            var widths = first.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            return rows.map { row in
                row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                }.joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
    }
}

extension Money {
    /// Shortest exact decimal (`5`, `0.0003`), for listings of filed values.
    fileprivate var plainText: String {
        var text = description  // six fractional digits
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
