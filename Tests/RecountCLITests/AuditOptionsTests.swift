import ArgumentParser
import Testing

@testable import recount

/// `recount audit` takes charges with their subscriptions and providers, and needs at least one
/// usage or charge input (parsed without spawning the binary).
@Suite struct AuditOptionsTests {
    @Test func acceptsChargesWithSubscriptionsAndProviders() throws {
        let command = try Recount.parseAsRoot([
            "audit", "--catalog", "c.yaml", "--charges", "c1.csv", "c2.csv.gz", "--subscriptions", "subs",
            "--providers", "p.csv", "--out", "out",
        ])
        let audit = try #require(command as? AuditCommand)
        #expect(audit.inputs.charges == ["c1.csv", "c2.csv.gz"])
        #expect(audit.inputs.subscriptions == ["subs"])
        #expect(audit.inputs.providers == ["p.csv"])
        #expect(audit.inputs.usage.isEmpty)
    }

    @Test func subscriptionsAloneAreNotAnAudit() {
        #expect(throws: (any Error).self) {
            try Recount.parseAsRoot([
                "audit", "--catalog", "c.yaml", "--subscriptions", "subs", "--providers", "p.csv", "--out", "out",
            ])
        }
    }
}
