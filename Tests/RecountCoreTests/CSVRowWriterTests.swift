import Foundation
import Testing

@testable import RecountCore

/// The generator's byte formatting against slow, obviously correct `String` oracles: the SWAR
/// digit conversion, padded and plain integers of every width, dates through the 64-slot cache,
/// timestamps, packed constants, and block-aligned flushing.
@Suite struct CSVRowWriterTests {
    static func text(_ word: UInt64, _ count: Int = 8) -> String {
        withUnsafeBytes(of: word) { String(decoding: $0.prefix(count), as: UTF8.self) }
    }

    static func zeroPadded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Runs `body` on a writer over a plain file and returns what it wrote.
    static func written(blockSize: Int = GzipWriter.blockSize, _ body: (CSVRowWriter) throws -> Void) throws -> String {
        let folder = TempFolder()
        let path = folder.path + "/out.csv"
        let writer = CSVRowWriter(output: try DataFileWriter(path: path, compressed: false), blockSize: blockSize)
        try body(writer)
        try writer.finish()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func eightDigitsMatchesStringForEveryLowValueAndSamples() {
        var mismatches = 0
        for value in 0..<200_000
        where Self.text(CSVRowWriter.eightDigits(UInt64(value))) != Self.zeroPadded(Int64(value), 8) {
            mismatches += 1
        }
        var random = SplitMix64(state: 42)
        var samples: [UInt64] = [99_999_999, 10_000_000, 9_999_999, 12_345_678, 87_654_321, 99_990_000, 10_009_999]
        for _ in 0..<300_000 { samples.append(random.next() % 100_000_000) }
        for value in samples where Self.text(CSVRowWriter.eightDigits(value)) != Self.zeroPadded(Int64(value), 8) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    /// Every width from 1 to 19: edges (0, 10^k − 1, 10^k) and random values that fit; the byte
    /// before the field and the field after it are untouched by the 8-byte stores' spill.
    @Test func paddedWritesExactlyWidthDigits() throws {
        var random = SplitMix64(state: 7)
        var cases: [(Int64, Int)] = []
        for width in 1...19 {
            let limit: Int64 = width == 19 ? .max : (0..<width).reduce(1) { product, _ in product * 10 }
            cases += [(0, width), (limit == .max ? .max : limit - 1, width), (1, width)]
            if width > 1 { cases.append((limit == .max ? 1_000_000_000_000_000_000 : limit / 10, width)) }
            for _ in 0..<200 { cases.append((Int64(random.next() % UInt64(limit)), width)) }
        }
        let output = try Self.written { writer in
            for (value, width) in cases {
                writer.byte(UInt8(ascii: "<"))
                writer.padded(value, width: width)
                writer.byte(UInt8(ascii: ">"))
            }
        }
        #expect(output == cases.map { "<" + Self.zeroPadded($0.0, $0.1) + ">" }.joined())
    }

    @Test func integersHaveNoPadding() throws {
        var values: [Int64] = [0, 5, .max]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        let output = try Self.written { writer in
            for value in values {
                writer.integer(value)
                writer.comma()
            }
        }
        #expect(output == values.map { String($0) + "," }.joined())
        #expect(values.allSatisfy { CSVRowWriter.digitCount($0) == String($0).count })
    }

    /// Dates and wall clocks over a year and a half, in an order that makes days 64 apart share
    /// a cache slot, against `CivilTime` and `String` formatting.
    @Test func datesAndClocksMatchTheOracle() throws {
        let first = CivilTime.days(year: 2025, month: 12, day: 25)
        var seconds: [Int64] = []
        var random = SplitMix64(state: 3)
        for day in stride(from: first, to: first + 540, by: 1) {
            for _ in 0..<3 { seconds.append(day * 86_400 + Int64(random.next() % 86_400)) }
            seconds.append((day + 64) * 86_400 + 86_399)
            seconds.append(day * 86_400)
        }
        func oracle(_ second: Int64) -> String {
            let days = CivilTime.floorDiv(second, 86_400)
            let time = second - days * 86_400
            let civil = CivilTime.date(days: days)
            return Self.zeroPadded(civil.year, 4) + "-" + Self.zeroPadded(civil.month, 2) + "-"
                + Self.zeroPadded(civil.day, 2) + "T" + Self.zeroPadded(time / 3600, 2) + ":"
                + Self.zeroPadded(time / 60 % 60, 2) + ":" + Self.zeroPadded(time % 60, 2)
        }
        let output = try Self.written { writer in
            for second in seconds {
                writer.wallClock(second)
                writer.byte(10)
            }
        }
        #expect(output == seconds.map { oracle($0) + "\n" }.joined())
    }

    @Test func timestampStyles() throws {
        let instant = CivilTime.days(year: 2026, month: 10, day: 31) * 86_400 + 23 * 3600 + 59 * 60 + 58
        let output = try Self.written { writer in
            writer.timestamp(instant, .local, catalogOffset: 8 * 3600)
            writer.comma()
            writer.timestamp(instant, .utc, catalogOffset: 8 * 3600)
            writer.comma()
            writer.timestamp(instant, .offset(-5 * 3600), catalogOffset: 8 * 3600)
            writer.comma()
            writer.timestamp(instant, .offset(5 * 3600 + 1800), catalogOffset: 8 * 3600)
        }
        #expect(
            output == "2026-11-01T07:59:58,2026-10-31T23:59:58Z,2026-10-31T18:59:58-05:00,2026-11-01T05:29:58+05:30")
    }

    @Test func shortTextWritesItsBytesOnly() throws {
        let texts = ["", "P01", "voice", "2026-10", "12345678"]
        let output = try Self.written { writer in
            for text in texts {
                writer.short(ShortText(Array(text.utf8)))
                writer.comma()
            }
        }
        #expect(output == texts.map { $0 + "," }.joined())
    }

    /// Blocks are handed on at exactly the block size, the rest carried over, whatever the row
    /// lengths; nothing is lost or repeated, including a field longer than two blocks.
    @Test(arguments: [1, 10, 64, 100])
    func blockFlushKeepsEveryByte(blockSize: Int) throws {
        var expected = ""
        let output = try Self.written(blockSize: blockSize) { writer in
            for row in 0..<500 {
                let line = String(row) + "," + String(repeating: "x", count: row % 37) + ","
                writer.bytes(Array(line.utf8))
                writer.integer(Int64(row) * 7919)
                try writer.endRow()
                expected += line + String(Int64(row) * 7919) + "\n"
            }
            let long = String(repeating: "y", count: 3 * blockSize + 5)
            writer.bytes(Array(long.utf8))
            try writer.endRow()
            expected += long + "\n"
        }
        #expect(output == expected)
    }
}
