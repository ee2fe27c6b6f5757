import Testing

@testable import RecountCore

/// DESIGN.md §5a "Licences": inclusive periods on local days, open ends, unlicensed rows.
@Suite struct ProviderRegistryTests {
    func registry() -> ProviderRegistry {
        var builder = ProviderRegistryBuilder()
        builder.add(
            provider: "SP1", licence: "B2-2026-001", validFrom: ChargeFixture.day("2026-01-01"),
            validTo: ChargeFixture.day("2026-03-31"))
        // A second licensed period after a gap.
        builder.add(provider: "SP1", licence: "B2-2026-002", validFrom: ChargeFixture.day("2026-05-01"), validTo: nil)
        builder.add(provider: "SP2", licence: "", validFrom: ChargeFixture.day("2026-01-01"), validTo: nil)
        // An unlicensed row beside a licensed one does not spoil it.
        builder.add(provider: "SP3", licence: "", validFrom: ChargeFixture.day("2020-01-01"), validTo: nil)
        builder.add(provider: "SP3", licence: "B2-2019-777", validFrom: ChargeFixture.day("2019-01-01"), validTo: nil)
        return builder.build()
    }

    func licence(_ registry: ProviderRegistry, _ provider: String, _ day: String) -> LicenceStatus {
        FieldDecoder.withBytes(provider) { registry.licence(provider: $0, localDay: ChargeFixture.day(day)) }
    }

    @Test func validOnTheFirstAndLastDayInvalidTheDayBeforeAndAfter() {
        let registry = registry()
        #expect(licence(registry, "SP1", "2025-12-31") == .notInForce)
        #expect(licence(registry, "SP1", "2026-01-01") == .valid)
        #expect(licence(registry, "SP1", "2026-03-31") == .valid)
        #expect(licence(registry, "SP1", "2026-04-01") == .notInForce)
        #expect(licence(registry, "SP1", "2026-04-30") == .notInForce)
        #expect(licence(registry, "SP1", "2026-05-01") == .valid)
    }

    @Test func emptyValidToIsOpen() {
        #expect(licence(registry(), "SP1", "2099-12-31") == .valid)
    }

    @Test func missingProviderAndEmptyLicence() {
        let registry = registry()
        #expect(licence(registry, "SP9", "2026-02-01") == .notRegistered)
        #expect(licence(registry, "", "2026-02-01") == .notRegistered)
        #expect(licence(registry, "SP2", "2026-02-01") == .noLicence)
        #expect(licence(registry, "SP3", "2026-02-01") == .valid)
        #expect(licence(ProviderRegistry(), "SP1", "2026-02-01") == .notRegistered)
    }

    @Test func rowsMergeInAnyOrder() {
        let rows: [(String, String, String, String?)] = [
            ("SP1", "L1", "2026-01-01", "2026-01-31"), ("SP2", "", "2026-01-01", nil), ("SP1", "L2", "2026-03-01", nil),
        ]
        func batch(_ rows: [(String, String, String, String?)]) -> ProviderBatch {
            var batch = ProviderBatch()
            for (provider, licence, from, to) in rows {
                FieldDecoder.withBytes(provider) { batch.keys.append(KeyParts($0)) }
                batch.licensed.append(!licence.isEmpty)
                batch.validFrom.append(ChargeFixture.day(from))
                batch.validTo.append(to.map(ChargeFixture.day) ?? Int64.max)
            }
            return batch
        }
        var whole = ProviderRegistryBuilder()
        whole.add(batch(rows))
        var reversedRows = ProviderRegistryBuilder()
        for row in rows.reversed() { reversedRows.add(batch([row])) }
        for registry in [whole.build(), reversedRows.build()] {
            #expect(registry.providerCount == 2)
            #expect(licence(registry, "SP1", "2026-01-31") == .valid)
            #expect(licence(registry, "SP1", "2026-02-01") == .notInForce)
            #expect(licence(registry, "SP1", "2026-03-01") == .valid)
            #expect(licence(registry, "SP2", "2026-03-01") == .noLicence)
        }
    }
}
