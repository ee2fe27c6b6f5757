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
    @inlinable @inline(__always)
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
    @inlinable @inline(__always)
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
    @inlinable @inline(__always)
    public static func cycle(_ field: UnsafeRawBufferPointer) -> Int32? {
        // Two overlapping 4-byte words, `YYYY` and `Y-MM` (a field of every usage row).
        guard field.count == 7, let base = field.baseAddress else { return nil }
        let year = UInt64(base.loadUnaligned(as: UInt32.self))
        let rest = UInt64(base.loadUnaligned(fromByteOffset: 3, as: UInt32.self))
        guard DigitLanes.all(year, lanes: 0xFFFF_FFFF), (rest >> 8) & 0xFF == 0x2D,
            DigitLanes.all(rest, lanes: 0xFFFF_0000)
        else { return nil }
        let month = DigitLanes.pair(rest, 2)
        guard month >= 1, month <= 12 else { return nil }
        return Int32((DigitLanes.pair(year, 0) &* 100 &+ DigitLanes.pair(year, 2)) &* 100 &+ month)
    }

    /// `YYYY-MM-DDTHH:MM:SS` with optional `Z` or `±HH:MM`, as epoch seconds (UTC).
    /// Without an offset the time is local at `defaultOffset` seconds east of UTC.
    @inlinable
    public static func timestamp(_ field: UnsafeRawBufferPointer, defaultOffset: Int64) -> Int64? {
        if let seconds = SWARTimestamp.decode(field, defaultOffset: defaultOffset) { return seconds }
        return timestampByFields(field, defaultOffset: defaultOffset)
    }

    /// `timestamp` one field at a time: the reference, and the path for whatever the word-at-a-time
    /// decoder declines (any malformed text, years outside 1970–2199).
    @inlinable
    public static func timestampByFields(_ field: UnsafeRawBufferPointer, defaultOffset: Int64) -> Int64? {
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

/// The common timestamp — well formed, 1970–2199 — checked and converted eight bytes at a time
/// (it is a field of every usage row). Returns nil for anything else, and `timestampByFields`
/// then decides: so a value from here always equals that reference's.
@usableFromInline
enum SWARTimestamp {
    /// Bytes 0–7 `YYYY-MM-`: digit lanes and the separators the others must hold.
    @usableFromInline static let dateDigits: UInt64 = 0x00FF_FF00_FFFF_FFFF
    @usableFromInline static let dateSeparators: UInt64 = 0x2D00_002D_0000_0000
    /// Bytes 8–15 `DDTHH:MM`.
    @usableFromInline static let middleDigits: UInt64 = 0xFFFF_00FF_FF00_FFFF
    @usableFromInline static let middleSeparators: UInt64 = 0x0000_3A00_0054_0000

    @inlinable @inline(__always)
    static func decode(_ field: UnsafeRawBufferPointer, defaultOffset: Int64) -> Int64? {
        let count = field.count
        guard count >= 19, let base = field.baseAddress else { return nil }
        let date = base.loadUnaligned(as: UInt64.self)
        let middle = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        // Bytes 11–18 `HH:MM:SS`: only its last three lanes (`:SS`) are new.
        let time = base.loadUnaligned(fromByteOffset: 11, as: UInt64.self)
        guard date & ~dateDigits == dateSeparators, DigitLanes.all(date, lanes: dateDigits),
            middle & ~middleDigits == middleSeparators, DigitLanes.all(middle, lanes: middleDigits),
            (time >> 40) & 0xFF == 0x3A, DigitLanes.all(time, lanes: 0xFFFF_0000_0000_0000)
        else { return nil }
        let year = DigitLanes.pair(date, 0) &* 100 &+ DigitLanes.pair(date, 2)
        let month = DigitLanes.pair(date, 5)
        let day = DigitLanes.pair(middle, 0)
        let hour = DigitLanes.pair(middle, 3)
        let minute = DigitLanes.pair(middle, 6)
        let second = DigitLanes.pair(time, 6)
        guard hour <= 23, minute <= 59, second <= 59, let days = CivilTime.tableDays(year: year, month: month, day: day)
        else { return nil }
        let local = days &* CivilTime.secondsPerDay &+ hour &* 3600 &+ minute &* 60 &+ second
        switch count {
        case 19:
            return local &- defaultOffset
        case 20:
            return base.load(fromByteOffset: 19, as: UInt8.self) == UInt8(ascii: "Z") ? local : nil
        case 25:
            // Bytes 17–24 `SS±HH:MM`.
            let zone = base.loadUnaligned(fromByteOffset: 17, as: UInt64.self)
            let sign = (zone >> 16) & 0xFF
            guard sign == 0x2B || sign == 0x2D, (zone >> 40) & 0xFF == 0x3A,
                DigitLanes.all(zone, lanes: 0xFFFF_00FF_FF00_0000)
            else { return nil }
            let hours = DigitLanes.pair(zone, 3)
            let minutes = DigitLanes.pair(zone, 6)
            guard hours <= 23, minutes <= 59 else { return nil }
            let offset = hours &* 3600 &+ minutes &* 60
            return local &- (sign == 0x2D ? -offset : offset)
        default:
            return nil
        }
    }
}
