import Foundation
import Testing

@testable import RecountCore

private func timestamp(_ text: String, defaultOffset: Int64 = 0) -> Int64? {
    FieldDecoder.withBytes(text) { FieldDecoder.timestamp($0, defaultOffset: defaultOffset) }
}

private func money(_ text: String) -> Money? { FieldDecoder.withBytes(text) { FieldDecoder.money($0) } }
private func integer(_ text: String) -> Int64? { FieldDecoder.withBytes(text) { FieldDecoder.nonNegativeInteger($0) } }
private func cycle(_ text: String) -> Int32? { FieldDecoder.withBytes(text) { FieldDecoder.cycle($0) } }
private func date(_ text: String) -> Int64? { FieldDecoder.withBytes(text) { FieldDecoder.date($0) } }

/// DESIGN.md §5a "Field grammar": timestamps exactly `YYYY-MM-DDTHH:MM:SS` + optional `Z` or
/// `±HH:MM`; amounts `-?[0-9]+(\.[0-9]{1,6})?`; integers ≥ 0, empty malformed; cycle `YYYY-MM`.
@Suite struct FieldDecoderTests {
    @Test(arguments: [
        "",
        "2026-10-05",
        "2026-10-05T12:00",  // too short
        "2026-10-05T12:00:0",
        "2026-10-05T12:00:000",  // too long
        "2026-10-05T12:00:00.5Z",  // fractional seconds
        "2026-10-05 12:00:00",  // space for T
        "2026-10-05t12:00:00",  // lowercase t
        "2026/10/05T12:00:00",
        "2026-10-05T12.00.00",
        "2026-10-05T12:00-00",
        "20261005T120000Z",
        "2026-1-05T12:00:00Z",
        "2026-10-5T12:00:00Z",
        "2026-13-05T12:00:00",  // month 13
        "2026-00-05T12:00:00",  // month 0
        "2026-10-00T12:00:00",  // day 0
        "2026-10-32T12:00:00",
        "2026-04-31T12:00:00",  // April has 30 days
        "2026-02-30T12:00:00",  // Feb 30
        "2026-02-29T12:00:00",  // Feb 29 in a non-leap year
        "1900-02-29T12:00:00",  // a century that is not a leap year
        "2026-10-05T24:00:00",  // hour 24
        "2026-10-05T12:60:00",  // minute 60
        "2026-10-05T12:00:60",  // second 60 (no leap seconds)
        "2026-10-05T12:00:00z",  // lowercase z
        "2026-10-05T12:00:00ZZ",
        "2026-10-05T12:00:00+24:00",  // offset hour 24
        "2026-10-05T12:00:00+08:60",
        "2026-10-05T12:00:00+0800",  // offset without colon
        "2026-10-05T12:00:00+08",
        "2026-10-05T12:00:00+8:00",
        "2026-10-05T12:00:00 08:00",
        "2026-10-05T12:00:00*08:00",
        "2026-10-05T12:00:00+08-00",
        "2026-10-05T12:00:00Z+08:00",
        " 2026-10-05T12:00:00",
        "2026-10-05T12:00:00 ",
        "2026-10-05T1a:00:00",
        "+026-10-05T12:00:00",
        "-026-10-05T12:00:00",
        "２０２６-10-05T12:00:00",  // full-width digits
    ])
    func malformedTimestamp(_ text: String) {
        #expect(timestamp(text) == nil)
        #expect(timestamp(text, defaultOffset: 8 * 3600) == nil)
    }

    @Test func timestampValues() {
        let utc = SlowCalendar.seconds(2026, 10, 5, 11, 59, 30)
        #expect(utc == 1_791_201_570)
        #expect(timestamp("2026-10-05T11:59:30Z") == utc)
        #expect(timestamp("2026-10-05T19:59:30+08:00") == utc)
        #expect(timestamp("2026-10-05T06:59:30-05:00") == utc)
        #expect(timestamp("2026-10-05T11:59:30+00:00") == utc)
        #expect(timestamp("2026-10-05T11:59:30-00:00") == utc)
        #expect(timestamp("2026-10-06T11:29:30+23:30") == utc)
        // No offset: local time at the catalog's offset (the default offset argument).
        #expect(timestamp("2026-10-05T19:59:30", defaultOffset: 8 * 3600) == utc)
        #expect(timestamp("2026-10-05T11:59:30", defaultOffset: 0) == utc)
        #expect(timestamp("2026-10-05T06:59:30", defaultOffset: -5 * 3600) == utc)
        // An explicit offset wins over the default.
        #expect(timestamp("2026-10-05T11:59:30Z", defaultOffset: 8 * 3600) == utc)
        // Leap days.
        #expect(timestamp("2024-02-29T00:00:00Z") == SlowCalendar.seconds(2024, 2, 29, 0, 0, 0))
        #expect(timestamp("2000-02-29T23:59:59Z") == SlowCalendar.seconds(2000, 2, 29, 23, 59, 59))
        // Before 1970, and the ends of the range.
        #expect(timestamp("1969-12-31T23:59:59Z") == -1)
        #expect(timestamp("1970-01-01T08:00:00+08:00") == 0)
        #expect(timestamp("1970-01-01T00:00:00", defaultOffset: 8 * 3600) == -8 * 3600)
        #expect(timestamp("1900-01-01T00:00:00Z") == -2_208_988_800)
        #expect(timestamp("1600-02-29T12:00:00Z") == SlowCalendar.seconds(1600, 2, 29, 12, 0, 0))
        #expect(timestamp("0001-01-01T00:00:00Z") == -62_135_596_800)
        #expect(timestamp("9999-12-31T23:59:59Z") == 253_402_300_799)
    }

    /// Every minute offset and a spread of instants against the slow calendar.
    @Test(arguments: [-12 * 60, -5 * 60, -30, 0, 1, 5 * 60 + 45, 8 * 60, 14 * 60, 23 * 60 + 59])
    func timestampOffsetsAgainstSlowCalendar(offsetMinutes: Int) {
        let sign = offsetMinutes < 0 ? "-" : "+"
        let magnitude = abs(offsetMinutes)
        let suffix = sign + String(format: "%02d:%02d", magnitude / 60, magnitude % 60)
        var random = SeededRandom(seed: UInt64(offsetMinutes + 10_000))
        for _ in 0..<200 {
            let y = Int64(1 + random.next() % 9999)
            let mo = Int64(1 + random.next() % 12)
            let d = Int64(1 + random.next() % UInt64(SlowCalendar.monthLength(y, mo)))
            let h = Int64(random.next() % 24)
            let mi = Int64(random.next() % 60)
            let s = Int64(random.next() % 60)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s)
            let local = SlowCalendar.seconds(y, mo, d, h, mi, s)
            let offset = Int64(offsetMinutes * 60)
            #expect(timestamp(text + suffix) == local - offset, "\(text)\(suffix)")
            #expect(timestamp(text, defaultOffset: offset) == local - offset)
        }
    }

    @Test(arguments: [
        "", "-", ".5", "-.5", "1.", "-1.", "1.1234567", "+1", "1e3", "1E3", " 1", "1 ", "1 000", "1,5", "--1", "1.2.3",
        "0x10", "1.-5", "NaN", "١", "1234567890123",
    ])
    func malformedAmount(_ text: String) {
        #expect(money(text) == nil)
    }

    @Test func amountValues() {
        #expect(money("12") == Money(micros: 12_000_000))
        #expect(money("0.15") == Money(micros: 150_000))
        #expect(money("-3.500") == Money(micros: -3_500_000))
        #expect(money("0.000001") == Money(micros: 1))
        #expect(money("-0.000001") == Money(micros: -1))
        #expect(money("-0") == Money(micros: 0))
        #expect(money("007.5") == Money(micros: 7_500_000))
        #expect(money("123456.123456") == Money(micros: 123_456_123_456))
        #expect(money("999999999999.999999") == Money(micros: 999_999_999_999_999_999))
        #expect(money("-999999999999.999999") == Money(micros: -999_999_999_999_999_999))
    }

    @Test(arguments: ["", "-1", "-0", "1.0", "+1", " 1", "1 ", "1e3", "0x1", "１", "1,000", "1000000000000000000"])
    func malformedInteger(_ text: String) {
        #expect(integer(text) == nil)
    }

    @Test func integerValues() {
        #expect(integer("0") == 0)
        #expect(integer("007") == 7)
        #expect(integer("60") == 60)
        #expect(integer("123456789012345678") == 123_456_789_012_345_678)
    }

    @Test(arguments: [
        "", "2026-13", "2026-00", "2026-1", "26-10", "2026/10", "2026-10-01", "2026-1a", "202610", " 2026-10",
    ])
    func malformedCycle(_ text: String) {
        #expect(cycle(text) == nil)
    }

    @Test func cycleValues() {
        #expect(cycle("2026-10") == 202_610)
        #expect(cycle("2026-01") == 202_601)
        #expect(cycle("1969-12") == 196_912)
        #expect(cycle("0001-01") == 101)
    }

    @Test(arguments: [
        "", "2026-02-29", "2026-13-01", "2026-1-01", "2026-10-5", "20261005", "2026-10-05T", "2026-10-05 ",
    ])
    func malformedDate(_ text: String) {
        #expect(date(text) == nil)
    }

    @Test func dateValues() {
        #expect(date("1970-01-01") == 0)
        #expect(date("1969-12-31") == -1)
        #expect(date("2024-02-29") == SlowCalendar.days(2024, 2, 29))
        #expect(date("1899-12-31") == SlowCalendar.days(1899, 12, 31))
    }

    @Test func offsets() {
        func offset(_ text: String) -> Int64? { FieldDecoder.withBytes(text) { FieldDecoder.utcOffset($0) } }
        #expect(offset("Z") == 0)
        #expect(offset("+08:00") == 28_800)
        #expect(offset("-05:00") == -18_000)
        #expect(offset("+23:59") == 86_340)
        for bad in ["z", "+24:00", "+0800", "08:00", "+08:60", "+8:00", "", "ZZ", "UTC"] {
            #expect(offset(bad) == nil, "\(bad)")
        }
    }

    /// The word-at-a-time timestamp decoder against the field-by-field reference: valid
    /// timestamps of every shape across 1950–2250 (the table covers 1970–2199), and the same with
    /// one byte replaced by a digit, a separator or a letter — which must decode identically,
    /// usually to nil.
    @Test func wordTimestampMatchesFieldByField() {
        var random = SeededRandom(seed: 11)
        let replacements = Array("0123456789-:T+Z/ a\u{7F}".utf8) + [0x2F, 0x3A, 0xB0]
        func pad(_ value: UInt64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var checked = 0
        for _ in 0..<20_000 {
            let year = 1950 + random.next() % 300
            let month = 1 + random.next() % 12
            let day = 1 + random.next() % 31  // sometimes past the month's end
            let hour = random.next() % 25
            let minute = random.next() % 61
            let second = random.next() % 61
            var text =
                "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            switch random.next() % 3 {
            case 0: text += "Z"
            case 1:
                text +=
                    (random.next() % 2 == 0 ? "+" : "-") + "\(pad(random.next() % 25, 2)):\(pad(random.next() % 61, 2))"
            default: break
            }
            var bytes = Array(text.utf8)
            if random.next() % 2 == 0 {
                bytes[Int(random.next() % UInt64(bytes.count))] =
                    replacements[Int(random.next() % UInt64(replacements.count))]
            }
            let offset = Int64(random.next() % 50_000) - 25_000
            bytes.withUnsafeBytes { field in
                let fast = FieldDecoder.timestamp(field, defaultOffset: offset)
                let reference = FieldDecoder.timestampByFields(field, defaultOffset: offset)
                #expect(fast == reference, "\(String(decoding: bytes, as: UTF8.self))")
                if fast != nil { checked += 1 }
            }
        }
        // Enough valid ones went through the word path for the comparison to mean something.
        #expect(checked > 5_000)
    }

    /// Every `YYYY-MM` shape with one byte replaced, against the grammar written out by hand.
    @Test func cycleMatchesGrammar() {
        let bytes = Array("2026-10".utf8)
        for position in 0..<7 {
            for byte in UInt8(0)...UInt8(255) {
                var text = bytes
                text[position] = byte
                let digits = [0, 1, 2, 3, 5, 6].allSatisfy { text[$0] >= 0x30 && text[$0] <= 0x39 }
                let month = digits ? Int32(text[5] - 0x30) * 10 + Int32(text[6] - 0x30) : 0
                let year = digits ? text[0..<4].reduce(Int32(0)) { $0 * 10 + Int32($1 - 0x30) } : 0
                let expected: Int32? = digits && text[4] == 0x2D && (1...12).contains(month) ? year * 100 + month : nil
                text.withUnsafeBytes { #expect(FieldDecoder.cycle($0) == expected, "\(text)") }
            }
        }
    }
}
