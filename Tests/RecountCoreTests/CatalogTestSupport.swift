import Foundation

@testable import RecountCore

/// Shared helpers for the catalog and rater tests.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func catalogPath(_ name: String) -> String {
        root.appendingPathComponent("testdata/catalogs/\(name)").path
    }

    static func workedExamples() throws -> TariffCatalog {
        try TariffCatalog.load(path: catalogPath("worked-examples.yaml"))
    }

    /// The catalog header of the worked examples (+08:00, 0.001, half_up) followed by `body`.
    static func catalog(_ body: String, precision: String = "0.001", rounding: String = "half_up") throws
        -> TariffCatalog
    {
        try TariffCatalog.parse(
            yaml: """
                currency: CNY
                timezone: "+08:00"
                amount_precision: \(precision)
                rounding: \(rounding)
                \(body)
                """, path: "test.yaml")
    }
}

extension Rater {
    /// Rates a record given as CSV text fields; `start` is parsed with `FieldDecoder.timestamp`
    /// against the catalog's offset, exactly as the record decoder does.
    func rate(
        plan: String, _ service: Service, start: String, duration: Int64 = 0, volume: Int64 = 0,
        destination: String = "8613900000000"
    ) -> Rating {
        guard
            let epoch = FieldDecoder.withBytes(
                start, { FieldDecoder.timestamp($0, defaultOffset: catalog.timezoneOffset) })
        else { return .unfiled(reason: "test: bad timestamp \(start)") }
        return FieldDecoder.withBytes(plan) { planBytes in
            FieldDecoder.withBytes(destination) { destinationBytes in
                rate(
                    UsageEvent(
                        planID: planBytes, service: service, start: epoch, durationSeconds: duration,
                        volumeBytes: volume, destination: destinationBytes))
            }
        }
    }
}

/// `amount` as micros from its decimal text, for readable expectations.
func money(_ text: String) -> Money { Money(text)! }

func rated(_ quantity: Int64, _ amount: String) -> Rating { .rated(quantity: quantity, amount: money(amount)) }

/// SplitMix64: a tiny seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
