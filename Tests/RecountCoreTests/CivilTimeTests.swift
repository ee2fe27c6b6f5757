import Foundation
import Testing

@testable import RecountCore

/// The slow, obviously correct calendar: count whole years, then months, then days from
/// 1970-01-01 (proleptic Gregorian: a leap year is divisible by 4, except centuries not
/// divisible by 400).
enum SlowCalendar {
    static func isLeap(_ year: Int64) -> Bool {
        if year % 400 == 0 { return true }
        if year % 100 == 0 { return false }
        return year % 4 == 0
    }

    static func monthLength(_ year: Int64, _ month: Int64) -> Int64 {
        let lengths: [Int64] = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return lengths[Int(month - 1)]
    }

    static func days(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        var total: Int64 = 0
        if year >= 1970 {
            for y in 1970..<year { total += isLeap(y) ? 366 : 365 }
        } else {
            for y in year..<1970 { total -= isLeap(y) ? 366 : 365 }
        }
        for m in 1..<month { total += monthLength(year, m) }
        return total + day - 1
    }

    static func seconds(_ year: Int64, _ month: Int64, _ day: Int64, _ h: Int64, _ m: Int64, _ s: Int64) -> Int64 {
        days(year, month, day) * 86_400 + h * 3600 + m * 60 + s
    }
}

@Suite struct CivilTimeTests {
    @Test(arguments: [
        1, 4, 100, 399, 400, 1582, 1600, 1700, 1899, 1900, 1969, 1970, 1971, 2000, 2024, 2026, 2100, 9999,
    ])
    func daysMatchSlowCalendar(year: Int) {
        let year = Int64(year)
        for month in Int64(1)...12 {
            for day in [1, 15, SlowCalendar.monthLength(year, month)] {
                let days = CivilTime.days(year: year, month: month, day: day)
                #expect(days == SlowCalendar.days(year, month, day), "\(year)-\(month)-\(day)")
                let back = CivilTime.date(days: days)
                #expect(back.year == year && back.month == month && back.day == day)
            }
            #expect(CivilTime.daysInMonth(year: year, month: month) == SlowCalendar.monthLength(year, month))
        }
        #expect(CivilTime.isLeap(year) == SlowCalendar.isLeap(year))
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        // 1800-01-01 … 2200-12-31: every day, one after another.
        var (year, month, day): (Int64, Int64, Int64) = (1800, 1, 1)
        var expected = SlowCalendar.days(1800, 1, 1)
        while year <= 2200 {
            #expect(CivilTime.days(year: year, month: month, day: day) == expected)
            let back = CivilTime.date(days: expected)
            if back.year != year || back.month != month || back.day != day {
                Issue.record("date(days: \(expected)) = \(back), expected \(year)-\(month)-\(day)")
                return
            }
            expected += 1
            day += 1
            if day > SlowCalendar.monthLength(year, month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
    }

    @Test func knownDays() {
        #expect(CivilTime.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.days(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilTime.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilTime.days(year: 1, month: 1, day: 1) == -719_162)
        #expect(CivilTime.days(year: 0, month: 3, day: 1) == -719_468)
        // Foundation agrees where its calendar is Gregorian (after 1582).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        for (y, m, d) in [(1600, 2, 29), (1900, 3, 1), (1969, 7, 20), (2026, 10, 5), (2400, 12, 31)] {
            let date = calendar.date(from: DateComponents(year: y, month: m, day: d))!
            #expect(
                CivilTime.days(year: Int64(y), month: Int64(m), day: Int64(d)) * 86_400
                    == Int64(date.timeIntervalSince1970))
        }
    }

    @Test func weekdays() {
        // Monday = 0 … Sunday = 6.
        #expect(CivilTime.weekday(days: 0) == 3)  // 1970-01-01 Thursday
        #expect(CivilTime.weekday(days: -1) == 2)  // 1969-12-31 Wednesday
        #expect(CivilTime.weekday(days: CivilTime.days(year: 2026, month: 10, day: 5)) == 0)  // Monday
        #expect(CivilTime.weekday(days: CivilTime.days(year: 2026, month: 10, day: 9)) == 4)  // Friday
        #expect(CivilTime.weekday(days: CivilTime.days(year: 2026, month: 10, day: 11)) == 6)  // Sunday
        #expect(CivilTime.weekday(days: CivilTime.days(year: 1900, month: 1, day: 1)) == 0)  // Monday
        for days in Int64(-3000)...3000 {
            #expect(CivilTime.weekday(days: days) == Int(((days % 7) + 7 + 3) % 7))
        }
    }

    @Test func floorDivision() {
        #expect(CivilTime.floorDiv(0, 86_400) == 0)
        #expect(CivilTime.floorDiv(86_399, 86_400) == 0)
        #expect(CivilTime.floorDiv(86_400, 86_400) == 1)
        #expect(CivilTime.floorDiv(-1, 86_400) == -1)
        #expect(CivilTime.floorDiv(-86_400, 86_400) == -1)
        #expect(CivilTime.floorDiv(-86_401, 86_400) == -2)
        #expect(CivilTime.floorDiv(7, -2) == -4)
        #expect(CivilTime.floorDiv(-7, -2) == 3)
    }

    @Test func formatting() {
        #expect(CivilTime.formatDate(days: -1) == "1969-12-31")
        #expect(CivilTime.formatDate(days: CivilTime.days(year: 1, month: 1, day: 1)) == "0001-01-01")
        #expect(CivilTime.formatInstantUTC(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.formatInstantUTC(-1) == "1969-12-31T23:59:59Z")
        #expect(CivilTime.formatInstantUTC(1_791_201_570) == "2026-10-05T11:59:30Z")
        #expect(CivilTime.formatCycle(202_610) == "2026-10")
        #expect(CivilTime.cycle(days: CivilTime.days(year: 2026, month: 10, day: 31)) == 202_610)
        #expect(CivilTime.cycle(days: -1) == 196_912)
    }
}
