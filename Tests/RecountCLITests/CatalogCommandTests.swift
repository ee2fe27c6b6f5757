import ArgumentParser
import Foundation
import RecountCore
import Testing

@testable import recount

/// `recount catalog check C`, driven through the parser without spawning the binary.
@Suite struct CatalogCommandTests {
    static let catalogs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("testdata/catalogs")

    static func path(_ name: String) -> String { catalogs.appendingPathComponent(name).path }

    @Test func parsesCheckWithPath() throws {
        let command = try Recount.parseAsRoot(["catalog", "check", Self.path("worked-examples.yaml")])
        let check = try #require(command as? CatalogCommand.Check)
        #expect(check.catalog == Self.path("worked-examples.yaml"))
        try check.run()
    }

    @Test func reportListsPlansAndItems() throws {
        let catalog = try TariffCatalog.load(path: Self.path("worked-examples.yaml"))
        let report = CatalogCommand.Check.report(catalog)
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == Self.path("worked-examples.yaml") + ": OK")
        #expect(lines[1] == "currency CNY, timezone +08:00, amount_precision 0.001, rounding half_up, refund_factor 2")
        #expect(lines[2] == "confirmation_window 86400s, min_confirmation_delay 0s")
        #expect(lines.contains("3 plan version(s)"))
        #expect(lines.contains("plan     period            approval      band_rule  voice  sms  data"))
        #expect(lines.contains("B        2026-01-01..open  WX-2026-0002  split      2      0    0"))
        #expect(lines.contains("S        2026-01-01..open  WX-2026-0001  start      1      1    1"))
        #expect(lines.contains("item  amount  period            approval      requires_subscription"))
        #expect(lines.contains("CLIP  5       2026-01-01..open  WX-2026-0100  no"))
    }

    @Test func rejectedCatalogExitsWithOne() throws {
        var command = try Recount.parseAsRoot(["catalog", "check", Self.path("missing-approval.yaml")])
        #expect(throws: ExitCode(1)) { try command.run() }
    }

    @Test func missingPathIsAUsageError() {
        #expect(throws: (any Error).self) { _ = try Recount.parseAsRoot(["catalog", "check"]) }
    }

    @Test func offsets() {
        #expect(CatalogCommand.Check.offsetText(8 * 3600) == "+08:00")
        #expect(CatalogCommand.Check.offsetText(-(5 * 3600 + 1800)) == "-05:30")
        #expect(CatalogCommand.Check.offsetText(0) == "+00:00")
    }
}
