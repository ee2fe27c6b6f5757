@testable import RecountCore

/// Shared fixtures for the charge audit tests: timestamps and dates from text (the decoders the
/// run uses), and charge records built over test-owned bytes.
enum ChargeFixture {
    /// The catalog's local time in these tests.
    static let offset: Int64 = 8 * 3600

    /// `YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]`; without an offset it is local (+08:00).
    static func instant(_ text: String) -> Int64 {
        FieldDecoder.withBytes(text) { FieldDecoder.timestamp($0, defaultOffset: offset) }!
    }

    static func day(_ text: String) -> Int64 {
        FieldDecoder.withBytes(text) { FieldDecoder.date($0) }!
    }

    static func money(_ text: String) -> Money { Money(text)! }

    /// Calls `body` with a charge whose text fields point into one buffer owned here.
    static func withCharge<T>(
        code: String, amount: String, at chargedAt: String, account: String = "A1", provider: String = "",
        serviceCode: String = "", itemID: String = "I1", _ body: (ChargeRecord) -> T
    ) -> T {
        let parts = [itemID, account, code, provider, serviceCode]
        let bytes = parts.flatMap { Array($0.utf8) }
        return bytes.withUnsafeBytes { raw in
            var fields: [UnsafeRawBufferPointer] = []
            var cursor = 0
            for part in parts {
                let count = part.utf8.count
                fields.append(UnsafeRawBufferPointer(rebasing: raw[cursor..<(cursor + count)]))
                cursor += count
            }
            let at = instant(chargedAt)
            let record = ChargeRecord(
                itemID: fields[0], account: fields[1], code: fields[2], provider: fields[3], serviceCode: fields[4],
                amount: money(amount), chargedAt: at,
                cycle: CivilTime.cycle(days: CivilTime.floorDiv(at + Self.offset, CivilTime.secondsPerDay)))
            return body(record)
        }
    }
}
