/// Dates as AWS writes them: Java's `Date.toString` in Kinesis messages, ISO 8601 in XML
/// bodies, RFC 7231 HTTP dates in headers. Calendar arithmetic without Foundation.
public enum AWSDate {
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    struct Parts {
        var year, month, day, hour, minute, second, millis, weekday: Int
    }

    static func parts(_ millis: Int64) -> Parts {
        let days = Int(millis.floorDiv(86_400_000))
        let ms = Int(millis.floorMod(86_400_000))
        let (y, m, d) = civil(fromDays: days)
        let s = ms / 1000
        return Parts(year: y, month: m, day: d, hour: s / 3600, minute: s / 60 % 60, second: s % 60, millis: ms % 1000,
                     weekday: ((days % 7) + 7) % 7)
    }

    static func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `Thu Jan 22 01:22:02 UTC 2015`
    public static func javaString(_ millis: Int64) -> String {
        let p = parts(millis)
        return "\(weekdays[p.weekday]) \(months[p.month - 1]) \(pad(p.day)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)) UTC \(p.year)"
    }

    /// `2015-01-22T01:22:02.000Z`
    public static func iso8601(_ millis: Int64) -> String {
        let p = parts(millis)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)).\(pad(p.millis, 3))Z"
    }

    /// `22/01/15 01:22:02`, as CloudWatch writes a data point's time in an alarm's StateReason.
    public static func alarmReason(_ millis: Int64) -> String {
        let p = parts(millis)
        return "\(pad(p.day))/\(pad(p.month))/\(pad(p.year % 100)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    /// `2015-01-22T01:22:02.000+0000`, as CloudWatch writes times in StateReasonData and history.
    public static func alarmData(_ millis: Int64) -> String {
        String(iso8601(millis).dropLast()) + "+0000"
    }

    /// `Thursday 22 January, 2015 01:22:02 UTC`, as a composite alarm's StateReason says when
    /// the alarm that moved it changed.
    public static func alarmTransition(_ millis: Int64) -> String {
        let p = parts(millis)
        let weekday = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"][p.weekday]
        let month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"][p.month - 1]
        return "\(weekday) \(pad(p.day)) \(month), \(p.year) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)) UTC"
    }

    /// `Thu, 22 Jan 2015 01:22:02 GMT`
    public static func httpDate(_ millis: Int64) -> String {
        let p = parts(millis)
        return "\(weekdays[p.weekday]), \(pad(p.day)) \(months[p.month - 1]) \(pad(p.year, 4)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)) GMT"
    }

    /// Parses an HTTP date (`Thu, 22 Jan 2015 01:22:02 GMT`) or ISO 8601 (`2015-01-22T01:22:02Z`).
    /// Every field is range-checked (years 1–9999), so no client text can overflow the arithmetic.
    public static func parse(_ text: String) -> Int64? {
        guard text.utf8.count <= 64 else { return nil }
        let t = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if t.count >= 5, let day = Int(t[1]), let month = months.firstIndex(of: t[2]), let year = Int(t[3]) {
            let hms = t[4].split(separator: ":").compactMap { Int($0) }
            guard hms.count == 3 else { return nil }
            return checkedMillis(year, month + 1, day, hms[0], hms[1], hms[2])
        }
        let u = Array(text.utf8)
        guard u.count >= 19, u[4] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " ") else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? { Int(String(decoding: u[a..<b], as: UTF8.self)) }
        guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13), let mi = num(14, 16), let s = num(17, 19)
        else { return nil }
        return checkedMillis(y, mo, d, h, mi, s)
    }

    /// nil unless every field is within its range (a leap second, 60, is allowed as HTTP allows it)
    /// and the moment is one the formatters can write back (a leap second at the end of 9999
    /// would be the year 10000).
    static func checkedMillis(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64? {
        guard (1...9999).contains(y), (1...12).contains(m), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi),
              (0...60).contains(s) else { return nil }
        let result = millis(y, m, d, h, mi, s)
        return result <= latestMillis ? result : nil
    }

    /// 9999-12-31T23:59:59Z.
    static let latestMillis: Int64 = 253_402_300_799_000

    static func millis(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64 {
        Int64(days(fromCivil: y, m, d)) * 86_400_000 + Int64(h * 3600 + mi * 60 + s) * 1000
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithms).
    public static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { let q = self / d; return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q }
    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
