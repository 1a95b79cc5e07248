import EddyWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metric math functions, with CloudWatch's rules for what each takes and gives: a
/// statistic of one series is a scalar (`m1 - AVG(m1)`), of an array a series computed across
/// it at each timestamp (`SUM(METRICS())`); element-wise functions keep the shape they get.
enum MathFunctions {
    /// Bare words that are arguments, not query ids.
    static let keywords: Set<String> = ["REPEAT", "LINEAR", "ASC", "DESC", "AVG", "MIN", "MAX", "SUM", "COUNT", "LAST", "STDDEV"]

    /// Functions of AWS's list that need a service Eddy does not have.
    static let unsupported: Set<String> = ["ANOMALY_DETECTION_BAND", "SERVICE_QUOTA", "INSIGHT_RULE_METRIC", "LAMBDA",
                                           "DB_PERF_INSIGHTS", "AUTOSCALING_GROUP", "CONCAT"]

    static let known: Set<String> = ["ABS", "CEIL", "FLOOR", "LOG", "LOG10", "AVG", "SUM", "MIN", "MAX", "STDDEV", "DATAPOINT_COUNT",
                                     "METRIC_COUNT", "METRICS", "FIRST", "LAST", "REMOVE_EMPTY", "DIFF", "DIFF_TIME", "RATE",
                                     "RUNNING_SUM", "MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH", "PERIOD",
                                     "TIME_SERIES", "FILL", "IF", "SORT", "SLICE", "SEARCH"]

    /// Refuses a name that is no function before its arguments are read.
    static func check(_ name: String) throws(MathFailure) {
        guard !known.contains(name) else { return }
        if unsupported.contains(name) { throw MathFailure("Eddy does not support the function \(name)") }
        throw MathFailure("\(name) is not a metric math function")
    }

    static func call(_ name: String, _ a: [MathValue], _ env: MathEnvironment) throws(MathFailure) -> MathValue {
        func arity(_ allowed: ClosedRange<Int>) throws(MathFailure) {
            guard allowed.contains(a.count) else {
                let want = allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
                throw MathFailure("\(name) takes \(want) argument\(allowed.upperBound == 1 ? "" : "s"), not \(a.count)")
            }
        }
        switch name {
        case "ABS": try arity(1...1); return try elementwise(name, a[0], abs)
        case "CEIL": try arity(1...1); return try elementwise(name, a[0]) { $0.rounded(.up) }
        case "FLOOR": try arity(1...1); return try elementwise(name, a[0]) { $0.rounded(.down) }
        case "LOG": try arity(1...1); return try elementwise(name, a[0]) { $0 > 0 ? log($0) : .nan }
        case "LOG10": try arity(1...1); return try elementwise(name, a[0]) { $0 > 0 ? log10($0) : .nan }
        case "AVG", "SUM", "MIN", "MAX", "STDDEV", "DATAPOINT_COUNT":
            try arity(1...1)
            let statistic = Reduction(rawValue: name == "DATAPOINT_COUNT" ? "COUNT" : name) ?? .sum
            switch a[0] {
            case .scalar(let x): return .scalar(statistic == .count ? 1 : statistic == .stddev ? 0 : x)
            case .series(let s): return .scalar(statistic.of(Array(s.points.values)))
            case .array(let l): return .series(across(l, statistic))
            default: throw MathFailure("\(name) takes a time series or an array, not \(a[0].kind)")
            }
        case "METRIC_COUNT":
            try arity(1...1)
            guard case .array(let l) = a[0] else { return .scalar(1) }
            return .scalar(Double(l.count))
        case "METRICS":
            try arity(0...1)
            var filter: String?
            if let first = a.first {
                guard case .text(let t) = first else { throw MathFailure("METRICS takes a string, not \(first.kind)") }
                filter = t
            }
            return .array(env.metricIds.filter { filter == nil || $0.contains(filter ?? "") }.compactMap {
                if case .series(let s) = env.values[$0] { return s }
                return nil
            })
        case "FIRST", "LAST":
            try arity(1...1)
            guard case .array(let l) = a[0] else { throw MathFailure("\(name) takes an array, not \(a[0].kind)") }
            guard let s = name == "FIRST" ? l.first : l.last else { throw MathFailure("\(name) of an empty array") }
            return .series(s)
        case "REMOVE_EMPTY":
            try arity(1...1)
            guard case .array(let l) = a[0] else { return a[0] }
            return .array(l.filter { !$0.points.isEmpty })
        case "DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM":
            try arity(1...1)
            return try seriesWise(name, a[0]) { s in consecutive(name, s) }
        case "MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH":
            try arity(1...1)
            return try seriesWise(name, a[0]) { s in
                var out = s
                out.points = Dictionary(uniqueKeysWithValues: s.points.keys.map { ($0, calendar(name, $0)) })
                return out
            }
        case "PERIOD":
            try arity(1...1)
            switch a[0] {
            case .series(let s): return .scalar(Double(s.period))
            case .array(let l): return .scalar(Double(l.first?.period ?? env.period))
            default: throw MathFailure("PERIOD takes a time series, not \(a[0].kind)")
            }
        case "TIME_SERIES":
            try arity(1...1)
            guard case .scalar(let x) = a[0] else { throw MathFailure("TIME_SERIES takes a scalar, not \(a[0].kind)") }
            var s = TimeSeries(period: env.period)
            for t in periodStarts(env, period: env.period) { s.points[t] = x }
            return .series(s)
        case "FILL":
            try arity(2...2)
            return try seriesWise(name, a[0]) { s throws(MathFailure) in try fill(s, with: a[1], env) }
        case "IF":
            try arity(2...3)
            return try conditional(a[0], a[1], a.count == 3 ? a[2] : nil)
        case "SORT":
            try arity(3...4)
            guard case .array(let l) = a[0] else { throw MathFailure("SORT takes an array, not \(a[0].kind)") }
            guard case .keyword(let f) = a[1], let by = Reduction(rawValue: f == "LAST" ? "LAST" : f) else {
                throw MathFailure("SORT sorts by AVG, COUNT, MAX, MIN, SUM, STDDEV or LAST")
            }
            guard case .keyword(let order) = a[2], order == "ASC" || order == "DESC" else { throw MathFailure("SORT orders ASC or DESC") }
            let keyed = l.map { (series: $0, key: by.of($0.sorted.map(\.value))) }
            var sorted = keyed.sorted { order == "ASC" ? $0.key < $1.key : $0.key > $1.key }.map(\.series)
            if a.count == 4 {
                guard case .scalar(let n) = a[3], n >= 0, n <= 500 else { throw MathFailure("the limit of SORT is a number from 0 to 500") }
                sorted = Array(sorted.prefix(Int(n)))
            }
            return .array(sorted)
        case "SLICE":
            try arity(3...3)
            guard case .array(let l) = a[0], case .scalar(let from) = a[1], case .scalar(let to) = a[2] else {
                throw MathFailure("SLICE takes an array and two numbers")
            }
            let lower = Int(max(0, min(Double(l.count), from.rounded(.down))))
            let upper = Int(max(Double(lower), min(Double(l.count), to.rounded(.down))))
            return .array(Array(l[lower..<upper]))
        case "SEARCH":
            try arity(2...3)
            guard case .text(let query) = a[0], case .text(let stat) = a[1] else {
                throw MathFailure("SEARCH takes a search expression, a statistic and a period in seconds")
            }
            var period = env.period
            if a.count == 3 {
                guard case .scalar(let p) = a[2], p >= 1, p <= 86_400 * 7, p.rounded() == p else {
                    throw MathFailure("the period of SEARCH is a whole number of seconds up to a week")
                }
                period = Int64(p)
            }
            return .array(try env.search(query, stat, period))
        default:
            try check(name)
            throw MathFailure("\(name) is not a metric math function")
        }
    }

    // MARK: Shapes

    static func elementwise(_ name: String, _ v: MathValue, _ f: (Double) -> Double) throws(MathFailure) -> MathValue {
        switch v {
        case .scalar(let x): .scalar(f(x))
        case .series(let s): .series(s.mapValues(f))
        case .array(let l): .array(l.map { $0.mapValues(f) })
        default: throw MathFailure("\(name) takes a number or time series, not \(v.kind)")
        }
    }

    static func seriesWise(_ name: String, _ v: MathValue, _ f: (TimeSeries) throws(MathFailure) -> TimeSeries) throws(MathFailure) -> MathValue {
        switch v {
        case .series(let s): return .series(try f(s))
        case .array(let l):
            var out: [TimeSeries] = []
            for s in l { out.append(try f(s)) }
            return .array(out)
        default: throw MathFailure("\(name) takes a time series or an array, not \(v.kind)")
        }
    }

    enum Reduction: String {
        case avg = "AVG", sum = "SUM", min = "MIN", max = "MAX", stddev = "STDDEV", count = "COUNT", last = "LAST"

        /// NaN for no values: the point is then left out.
        func of(_ values: [Double]) -> Double {
            guard !values.isEmpty else { return self == .count || self == .sum ? 0 : .nan }
            switch self {
            case .avg: return values.reduce(0, +) / Double(values.count)
            case .sum: return values.reduce(0, +)
            case .min: return values.min() ?? .nan
            case .max: return values.max() ?? .nan
            case .count: return Double(values.count)
            case .last: return values.last ?? .nan
            case .stddev:
                // CloudWatch's STDDEV is the population standard deviation.
                let mean = values.reduce(0, +) / Double(values.count)
                return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
            }
        }
    }

    /// A statistic across the series of an array at each timestamp that any of them has.
    static func across(_ l: [TimeSeries], _ statistic: Reduction) -> TimeSeries {
        var out = TimeSeries(period: l.map(\.period).min() ?? 60)
        var columns: [Int64: [Double]] = [:]
        for s in l { for (t, v) in s.points { columns[t, default: []].append(v) } }
        for (t, values) in columns { out.points[t] = statistic.of(values) }
        return out
    }

    /// DIFF, DIFF_TIME, RATE (per second, over the time between the points) and RUNNING_SUM,
    /// in time order.
    static func consecutive(_ name: String, _ s: TimeSeries) -> TimeSeries {
        var out = s
        out.points = [:]
        let points = s.sorted
        if name == "RUNNING_SUM" {
            var total = 0.0
            for p in points { total += p.value; out.points[p.key] = total }
            return out
        }
        for (a, b) in zip(points, points.dropFirst()) {
            switch name {
            case "DIFF": out.points[b.key] = b.value - a.value
            case "DIFF_TIME": out.points[b.key] = Double(b.key - a.key)
            default: out.points[b.key] = (b.value - a.value) / Double(b.key - a.key)
            }
        }
        return out
    }

    /// The calendar fields in UTC, as CloudWatch computes them (DAY: 1 is Monday).
    static func calendar(_ name: String, _ seconds: Int64) -> Double {
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        switch name {
        case "MINUTE": return Double(secondOfDay / 60 % 60)
        case "HOUR": return Double(secondOfDay / 3600)
        case "DAY": return Double((days + 3).floorMod(7) + 1)   // 1970-01-01 was a Thursday
        case "EPOCH": return Double(seconds)
        default:
            let (year, month, day) = AWSDate.civil(fromDays: Int(clamping: days))
            return Double(name == "DATE" ? day : name == "MONTH" ? month : year)
        }
    }

    /// The period starts of the query's range, at most a bounded number of them.
    static func periodStarts(_ env: MathEnvironment, period: Int64) -> [Int64] {
        let p = max(1, period)
        let first = env.start - env.start.floorMod(p)
        var out: [Int64] = []
        var t = first
        while t < env.end, out.count < CloudWatchAPI.GetMetricData.defaultMaxDatapoints {
            out.append(t)
            t += p
        }
        return out
    }

    /// FILL: every period of the range gets a value — a number, the same timestamp of a
    /// series, the last value before (REPEAT) or a line between its neighbours (LINEAR).
    static func fill(_ s: TimeSeries, with filler: MathValue, _ env: MathEnvironment) throws(MathFailure) -> TimeSeries {
        switch filler {
        case .scalar, .series, .keyword("REPEAT"), .keyword("LINEAR"): break
        default: throw MathFailure("FILL fills with a number, a time series, REPEAT or LINEAR, not \(filler.kind)")
        }
        var out = s
        let known = s.sorted
        var index = 0
        for t in periodStarts(env, period: s.period) where s.points[t] == nil {
            while index < known.count, known[index].key < t { index += 1 }
            let before = index > 0 ? known[index - 1] : nil
            let after = index < known.count ? known[index] : nil
            switch filler {
            case .scalar(let x): out.points[t] = x
            case .series(let f): if let v = f.points[t] { out.points[t] = v }
            case .keyword("REPEAT"):
                if let v = before?.value ?? after?.value { out.points[t] = v }
            case .keyword("LINEAR"):
                if let b = before, let a = after {
                    out.points[t] = b.value + (a.value - b.value) * Double(t - b.key) / Double(a.key - b.key)
                } else if let v = before?.value ?? after?.value {
                    out.points[t] = v
                }
            default: break
            }
        }
        return out
    }

    /// IF(condition, then[, else]): at each timestamp of the condition; without an else, the
    /// points where it is false are left out.
    static func conditional(_ condition: MathValue, _ then: MathValue, _ otherwise: MathValue?) throws(MathFailure) -> MathValue {
        func at(_ v: MathValue?, _ t: Int64) -> Double? {
            switch v {
            case .scalar(let x): x
            case .series(let s): s.points[t]
            default: nil
            }
        }
        for v in [then, otherwise].compactMap({ $0 }) {
            switch v {
            case .scalar, .series: continue
            default: throw MathFailure("IF gives a number or a time series, not \(v.kind)")
            }
        }
        func pick(_ c: TimeSeries) -> TimeSeries {
            var out = TimeSeries(label: c.label, period: c.period)
            for (t, x) in c.points {
                if let v = x != 0 ? at(then, t) : at(otherwise, t) { out.points[t] = v }
            }
            return out
        }
        switch condition {
        case .scalar(let x):
            if let chosen = x != 0 ? then : otherwise { return chosen }
            return .array([])
        case .series(let c): return .series(pick(c))
        case .array(let l): return .array(l.map(pick))
        default: throw MathFailure("the condition of IF is a number or a time series, not \(condition.kind)")
        }
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so dates before 1970 come out right.
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
