/// A weekly time window in catalog local time: some weekdays, from `from` (inclusive) to
/// `to` (exclusive), seconds of the day. A window across midnight is written as two bands.
public struct Band: Sendable, Equatable, CustomStringConvertible {
    /// Weekday names as written in the catalog, Monday first (matches `CivilTime.weekday`).
    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let everyDay: UInt8 = 0x7F
    /// Every day, all day: the band of a rule written without `bands`.
    public static let always = Band(days: everyDay, from: 0, to: CivilTime.secondsPerDay)

    /// Bit `w` set when weekday `w` (Monday = 0) is in the band.
    public let days: UInt8
    /// Seconds after local midnight, `0 ≤ from < to ≤ 86400`.
    public let from: Int64
    public let to: Int64

    public init(days: UInt8, from: Int64, to: Int64) {
        self.days = days
        self.from = from
        self.to = to
    }

    public func contains(weekday: Int, secondOfDay: Int64) -> Bool {
        days & (1 << UInt8(weekday)) != 0 && from <= secondOfDay && secondOfDay < to
    }

    /// Same day and intersecting windows: two rules for one prefix with such bands are ambiguous.
    public func overlaps(_ other: Band) -> Bool {
        days & other.days != 0 && from < other.to && other.from < to
    }

    /// `mon,tue 08:00-20:00` (or `every day 00:00-24:00`).
    public var description: String {
        let dayText =
            days == Self.everyDay
            ? "every day"
            : (0..<7).filter { days & (1 << UInt8($0)) != 0 }.map { Self.dayNames[$0] }.joined(separator: ",")
        return "\(dayText) \(Self.clock(from))-\(Self.clock(to))"
    }

    /// `HH:MM` of a second of the day (`24:00` for the end of the day).
    public static func clock(_ secondOfDay: Int64) -> String {
        let hours = secondOfDay / 3600
        let minutes = secondOfDay / 60 % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}
