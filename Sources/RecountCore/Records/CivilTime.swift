/// Calendar arithmetic on the proleptic Gregorian calendar, done with integers so the hot path
/// never touches Foundation's calendar. Days count from 1970-01-01 (day 0, a Thursday).
public enum CivilTime {
    public static let secondsPerDay: Int64 = 86_400

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    @inlinable
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (`civil_from_days`).
    @inlinable
    public static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }

    @inlinable
    public static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    @inlinable
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division, so instants before 1970 still fall on the right day.
    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Monday = 0 … Sunday = 6 of a day number.
    @inlinable
    public static func weekday(days: Int64) -> Int {
        Int(((days + 3) % 7 + 7) % 7)
    }

    /// `YYYY-MM` of a day number as the integer YYYYMM (cycles sort and print from it).
    /// Days 1970–2199 come from a table (every record without a cycle column needs one).
    @inlinable
    public static func cycle(days: Int64) -> Int32 {
        if days >= 0, days < Int64(cycleTable.count) { return cycleTable[Int(days)] }
        let date = date(days: days)
        return Int32(date.year * 100 + date.month)
    }

    /// Days since 1970-01-01 of a valid civil date in 1970–2199, from a table of month starts;
    /// nil for an invalid date or a year outside the table (callers then use `days`).
    @inlinable @inline(__always)
    public static func tableDays(year: Int64, month: Int64, day: Int64) -> Int64? {
        let index = (year &- 1970) &* 12 &+ (month &- 1)
        guard year >= 1970, year < 2200, month >= 1, month <= 12, day >= 1 else { return nil }
        let table = monthStarts
        let start = Int64(table[Int(index)])
        guard day <= Int64(table[Int(index) + 1]) &- start else { return nil }
        return start &+ day &- 1
    }

    /// The day number of the 1st of every month from 1970-01 to 2200-01 (2,761 entries).
    @usableFromInline
    static let monthStarts: [Int32] = {
        var table: [Int32] = []
        table.reserveCapacity(2761)
        for year: Int64 in 1970..<2200 {
            for month: Int64 in 1...12 { table.append(Int32(days(year: year, month: month, day: 1))) }
        }
        table.append(Int32(days(year: 2200, month: 1, day: 1)))
        return table
    }()

    /// YYYYMM of every day from 1970-01-01 to 2199-12-31 (84,000 entries, built once).
    @usableFromInline
    static let cycleTable: [Int32] = {
        var table: [Int32] = []
        table.reserveCapacity(84_000)
        for year: Int64 in 1970..<2200 {
            for month: Int64 in 1...12 {
                let value = Int32(year * 100 + month)
                for _ in 0..<daysInMonth(year: year, month: month) { table.append(value) }
            }
        }
        return table
    }()

    public static func formatCycle(_ cycle: Int32) -> String {
        let year = cycle / 100
        let month = cycle % 100
        return pad(Int(year), 4) + "-" + pad(Int(month), 2)
    }

    public static func formatDate(days: Int64) -> String {
        let date = date(days: days)
        return pad(Int(date.year), 4) + "-" + pad(Int(date.month), 2) + "-" + pad(Int(date.day), 2)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of an instant.
    public static func formatInstantUTC(_ epochSeconds: Int64) -> String {
        let days = floorDiv(epochSeconds, secondsPerDay)
        let second = epochSeconds - days * secondsPerDay
        return formatDate(days: days) + "T" + pad(Int(second / 3600), 2) + ":" + pad(Int(second / 60 % 60), 2) + ":"
            + pad(Int(second % 60), 2) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
