import Testing

@testable import RecountCore

/// Details and unfiled reasons are composed byte by byte instead of interpolated: each piece must
/// write what `String(describing:)`, `CivilTime.formatDate` and the text itself would.
@Suite struct TextComposerTests {
    @Test func piecesWriteWhatTheirTextWould() {
        let numbers: [Int64] = [0, 5, 42, -7, 1_000_000, .max, .min]
        for number in numbers {
            #expect(
                TextComposer.compose(bound: 64) {
                    $0.add("n=")
                    $0.add(number)
                } == "n=\(number)")
        }
        #expect(
            TextComposer.compose(bound: 16) {
                $0.add(7, digits: 2)
                $0.add(":")
                $0.add(5, digits: 2)
            } == "07:05")
        #expect(TextComposer.compose(bound: 16) { $0.add(123, digits: 2) } == "123")
        let text = "plan é-01 ✓"
        #expect(TextComposer.compose(bound: 64) { $0.add(text) } == text)
        let bytes: [UInt8] = Array("8613".utf8)
        #expect(bytes.withUnsafeBytes { raw in TextComposer.compose(bound: 8) { $0.add(bytes: raw) } } == "8613")
        #expect(TextComposer.compose(bound: 0) { _ in } == "")
    }

    /// Every day from 1900 to 2200, around month and leap-year ends included.
    @Test func datesMatchCivilTime() {
        for days in stride(from: Int64(-25_567), through: 84_000, by: 1) where days % 7 == 0 || days % 365 < 3 {
            #expect(TextComposer.compose(bound: 16) { $0.addDate(days: days) } == CivilTime.formatDate(days: days))
        }
    }
}
