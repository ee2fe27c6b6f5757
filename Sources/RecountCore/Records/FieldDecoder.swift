/// Decoders for one CSV field's bytes, straight from ASCII (DESIGN.md §5a "Field grammar").
///
/// Each returns nil when the bytes do not match the grammar; the caller names the column in
/// the reject reason. No `String` is built and nothing allocates.
public enum FieldDecoder {
    @inline(__always)
    static func digit(_ byte: UInt8) -> Int64? {
        let value = Int64(byte) &- 48
        return (0...9).contains(value) ? value : nil
    }

    /// A non-negative integer `[0-9]+` (at most 18 digits); empty is malformed.
    @inlinable
    public static func nonNegativeInteger(_ field: UnsafeRawBufferPointer) -> Int64? {
        guard !field.isEmpty, field.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in field {
            let d = Int64(byte) &- 48
            guard d >= 0, d <= 9 else { return nil }
            value = value &* 10 &+ d
        }
        return value
    }

    /// `-?[0-9]+(\.[0-9]{1,6})?` as micros; at most 12 integer digits so the value fits.
    @inlinable
    public static func money(_ field: UnsafeRawBufferPointer) -> Money? {
        var index = 0
        let count = field.count
        var negative = false
        if count > 0, field[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var whole: Int64 = 0
        let wholeStart = index
        while index < count, field[index] != UInt8(ascii: ".") {
            let d = Int64(field[index]) &- 48
            guard d >= 0, d <= 9 else { return nil }
            whole = whole &* 10 &+ d
            index += 1
        }
        let wholeDigits = index - wholeStart
        guard wholeDigits > 0, wholeDigits <= 12 else { return nil }
        var micros = whole &* Money.scale
        if index < count {
            index += 1  // the '.'
            let fractionDigits = count - index
            guard fractionDigits >= 1, fractionDigits <= 6 else { return nil }
            var fraction: Int64 = 0
            while index < count {
                let d = Int64(field[index]) &- 48
                guard d >= 0, d <= 9 else { return nil }
                fraction = fraction &* 10 &+ d
                index += 1
            }
            var scale = fractionDigits
            while scale < 6 {
                fraction &*= 10
                scale += 1
            }
            micros &+= fraction
        }
        return Money(micros: negative ? -micros : micros)
    }

    @inline(__always)
    @usableFromInline
    static func twoDigits(_ p: UnsafeRawBufferPointer, _ at: Int) -> Int64? {
        let a = Int64(p[at]) &- 48
        let b = Int64(p[at + 1]) &- 48
        guard a >= 0, a <= 9, b >= 0, b <= 9 else { return nil }
        return a * 10 + b
    }

    /// `YYYY-MM-DD` as days since 1970-01-01, with a real calendar day.
    @inlinable
    public static func date(_ field: UnsafeRawBufferPointer) -> Int64? {
        guard field.count == 10, field[4] == UInt8(ascii: "-"), field[7] == UInt8(ascii: "-"),
            let y1 = twoDigits(field, 0), let y2 = twoDigits(field, 2),
            let month = twoDigits(field, 5), let day = twoDigits(field, 8)
        else { return nil }
        let year = y1 * 100 + y2
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else {
            return nil
        }
        return CivilTime.days(year: year, month: month, day: day)
    }

    /// `YYYY-MM` as the integer YYYYMM.
    @inlinable
    public static func cycle(_ field: UnsafeRawBufferPointer) -> Int32? {
        guard field.count == 7, field[4] == UInt8(ascii: "-"),
            let y1 = twoDigits(field, 0), let y2 = twoDigits(field, 2), let month = twoDigits(field, 5),
            (1...12).contains(month)
        else { return nil }
        return Int32((y1 * 100 + y2) * 100 + month)
    }

    /// `YYYY-MM-DDTHH:MM:SS` with optional `Z` or `±HH:MM`, as epoch seconds (UTC).
    /// Without an offset the time is local at `defaultOffset` seconds east of UTC.
    @inlinable
    public static func timestamp(_ field: UnsafeRawBufferPointer, defaultOffset: Int64) -> Int64? {
        let count = field.count
        guard count == 19 || count == 20 || count == 25 else { return nil }
        guard field[10] == UInt8(ascii: "T"), field[13] == UInt8(ascii: ":"), field[16] == UInt8(ascii: ":"),
            let days = date(UnsafeRawBufferPointer(rebasing: field[0..<10])),
            let hour = twoDigits(field, 11), let minute = twoDigits(field, 14), let second = twoDigits(field, 17),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var offset = defaultOffset
        if count == 20 {
            guard field[19] == UInt8(ascii: "Z") else { return nil }
            offset = 0
        } else if count == 25 {
            guard let parsed = utcOffset(UnsafeRawBufferPointer(rebasing: field[19..<25])) else { return nil }
            offset = parsed
        }
        return days * CivilTime.secondsPerDay + hour * 3600 + minute * 60 + second - offset
    }

    /// `Z` or `±HH:MM` (hours ≤ 23, minutes ≤ 59) as seconds east of UTC.
    @inlinable
    public static func utcOffset(_ field: UnsafeRawBufferPointer) -> Int64? {
        if field.count == 1, field[0] == UInt8(ascii: "Z") { return 0 }
        guard field.count == 6, field[3] == UInt8(ascii: ":"),
            field[0] == UInt8(ascii: "+") || field[0] == UInt8(ascii: "-"),
            let hours = twoDigits(field, 1), let minutes = twoDigits(field, 4), hours <= 23, minutes <= 59
        else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return field[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}

extension FieldDecoder {
    /// String conveniences for small inputs (catalog values, tests); the hot path passes bytes.
    public static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
