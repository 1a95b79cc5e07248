import EddyWire

/// GetMetricData: MetricStat queries and metric math (arithmetic on series and numbers,
/// SUM/AVG/MIN/MAX over a list or METRICS(), RATE), ScanBy, MaxDatapoints with NextToken.
enum GetMetricData: CloudWatchAction {
    typealias Series = [Int64: Double]

    static func perform(_ c: CloudWatchContext) throws(CloudWatchError) -> [UInt8] {
        let i = c.input
        let start = Int64(i["StartTime"]?.double ?? 0), end = Int64(i["EndTime"]?.double ?? 0)
        guard start < end else { throw .invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.") }
        let queries = i["MetricDataQueries"]?.array?.compactMap(\.object) ?? []
        var series: [String: Series] = [:]
        var labels: [String: String] = [:]
        var statIds: [String] = []
        // MetricStat queries first, so expressions can refer to any of them.
        for q in queries {
            guard let id = q["Id"]?.string, let stat = q["MetricStat"]?.object else { continue }
            let metric = stat["Metric"]?.object
            let period = Int64(stat["Period"]?.int ?? 60)
            guard period > 0 else { throw .invalidParameterValue("The parameter MetricStat.Period must be positive.") }
            let statistic = stat["Stat"]?.string ?? "Sum"
            let percentile = Percentile.parse(statistic)
            guard GetMetricStatistics.statistics.contains(statistic) || percentile != nil else {
                throw .invalidParameterValue("Eddy computes SampleCount, Average, Sum, Minimum, Maximum and pNN; \(statistic) is not supported yet.")
            }
            let rows = try c.storage {
                try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: metric?["Namespace"]?.string ?? "",
                                 name: metric?["MetricName"]?.string ?? "", dimensions: c.dimensions(metric?["Dimensions"]),
                                 start: start, end: end)
            }.filter { stat["Unit"]?.string == nil || $0.unit == stat["Unit"]?.string }
            var buckets: [Int64: (count: Double, sum: Double, min: Double, max: Double, samples: [Double])] = [:]
            for r in rows {
                let b = r.seconds - r.seconds % period
                let e = buckets[b] ?? (0, 0, .infinity, -.infinity, [])
                buckets[b] = (e.count + r.count, e.sum + r.sum, min(e.min, r.minimum), max(e.max, r.maximum), e.samples + r.samples)
            }
            if let percentile {
                series[id] = buckets.compactMapValues { Percentile.of($0.samples, percentile) }
            } else { series[id] = buckets.mapValues { b in
                switch statistic {
                case "SampleCount": b.count
                case "Average": b.count > 0 ? b.sum / b.count : 0
                case "Sum": b.sum
                case "Minimum": b.min
                default: b.max
                }
            } }
            labels[id] = q["Label"]?.string ?? metric?["MetricName"]?.string ?? id
            statIds.append(id)
        }
        for q in queries {
            guard let id = q["Id"]?.string, let expression = q["Expression"]?.string else { continue }
            var parser = MathParser(text: expression, series: series, statIds: statIds)
            guard case .series(let s) = try parser.parse() else {
                throw .invalidParameterValue("The expression \(expression) must produce a time series.")
            }
            series[id] = s
            labels[id] = q["Label"]?.string ?? id
        }
        let descending = (i["ScanBy"]?.string ?? "TimestampDescending") == "TimestampDescending"
        let maxPoints = i["MaxDatapoints"]?.int ?? 100_800
        var skip = Int(i["NextToken"]?.string ?? "0") ?? 0
        var budget = maxPoints
        var truncated = false
        var results: [(String, String, [(Int64, Double)])] = []
        for q in queries where q["ReturnData"]?.bool != false {
            guard let id = q["Id"]?.string else { continue }
            var points = (series[id] ?? [:]).sorted { descending ? $0.key > $1.key : $0.key < $1.key }.map { ($0.key, $0.value) }
            let dropped = min(skip, points.count)
            points.removeFirst(dropped)
            skip -= dropped
            if points.count > budget { points = Array(points.prefix(budget)); truncated = true }
            budget -= points.count
            results.append((id, labels[id] ?? id, points))
        }
        let consumed = (Int(i["NextToken"]?.string ?? "0") ?? 0) + (maxPoints - budget)
        return json { w in
            w.key("MetricDataResults"); w.beginArray()
            for (id, label, points) in results {
                w.beginObject()
                w.member("Id", id)
                w.member("Label", label)
                w.key("Timestamps"); w.beginArray(); for p in points { w.timestamp(millis: p.0 * 1000) }; w.endArray()
                w.key("Values"); w.beginArray(); for p in points { w.double(p.1) }; w.endArray()
                w.member("StatusCode", truncated ? "PartialData" : "Complete")
                w.endObject()
            }
            w.endArray()
            if truncated { w.member("NextToken", String(consumed)) }
            w.key("Messages"); w.beginArray(); w.endArray()
        }
    }
}

/// Metric math: `m1 + m2 * 2`, `SUM(METRICS())`, `AVG([m1, m2])`, `RATE(m1)`, `(m1 - m2) / 60`.
struct MathParser {
    enum Value { case number(Double), series(GetMetricData.Series), list([GetMetricData.Series]) }

    let text: [Character]
    let series: [String: GetMetricData.Series]
    let statIds: [String]
    var i = 0

    init(text: String, series: [String: GetMetricData.Series], statIds: [String]) {
        self.text = Array(text)
        self.series = series
        self.statIds = statIds
    }

    func fail(_ m: String) -> CloudWatchError { .invalidParameterValue("Metric math: \(m) in \(String(text)).") }

    mutating func parse() throws(CloudWatchError) -> Value {
        let v = try additive()
        skipSpaces()
        guard i == text.count else { throw fail("unexpected '\(text[i])'") }
        return v
    }

    mutating func skipSpaces() { while i < text.count, text[i] == " " { i += 1 } }

    mutating func additive() throws(CloudWatchError) -> Value {
        var left = try multiplicative()
        while true {
            skipSpaces()
            guard i < text.count, text[i] == "+" || text[i] == "-" else { return left }
            let op = text[i]; i += 1
            left = try combine(left, try multiplicative(), op)
        }
    }

    mutating func multiplicative() throws(CloudWatchError) -> Value {
        var left = try primary()
        while true {
            skipSpaces()
            guard i < text.count, text[i] == "*" || text[i] == "/" else { return left }
            let op = text[i]; i += 1
            left = try combine(left, try primary(), op)
        }
    }

    mutating func primary() throws(CloudWatchError) -> Value {
        skipSpaces()
        guard i < text.count else { throw fail("unexpected end") }
        if text[i] == "(" {
            i += 1
            let v = try additive()
            skipSpaces()
            guard i < text.count, text[i] == ")" else { throw fail("missing ')'") }
            i += 1
            return v
        }
        if text[i] == "[" {
            i += 1
            var items: [GetMetricData.Series] = []
            while true {
                guard case .series(let s) = try additive() else { throw fail("lists hold series") }
                items.append(s)
                skipSpaces()
                guard i < text.count else { throw fail("missing ']'") }
                if text[i] == "]" { i += 1; return .list(items) }
                guard text[i] == "," else { throw fail("expected ','") }
                i += 1
            }
        }
        if text[i].isNumber || text[i] == "." {
            let start = i
            while i < text.count, text[i].isNumber || text[i] == "." { i += 1 }
            guard let d = Double(String(text[start..<i])) else { throw fail("bad number") }
            return .number(d)
        }
        let start = i
        while i < text.count, text[i].isLetter || text[i].isNumber || text[i] == "_" { i += 1 }
        let name = String(text[start..<i])
        guard !name.isEmpty else { throw fail("unexpected '\(text[i])'") }
        skipSpaces()
        if i < text.count, text[i] == "(" {
            i += 1
            skipSpaces()
            var argument: Value = .list(statIds.compactMap { series[$0] })
            if name != "METRICS" { argument = try additive() }
            skipSpaces()
            guard i < text.count, text[i] == ")" else { throw fail("missing ')'") }
            i += 1
            return try call(name, argument)
        }
        guard let s = series[name] else { throw fail("unknown id \(name)") }
        return .series(s)
    }

    func call(_ name: String, _ argument: Value) throws(CloudWatchError) -> Value {
        switch name {
        case "METRICS": return argument
        case "SUM", "AVG", "MIN", "MAX":
            let items: [GetMetricData.Series]
            switch argument {
            case .list(let l): items = l
            case .series(let s): items = [s]
            case .number: throw fail("\(name) needs series")
            }
            var out: GetMetricData.Series = [:]
            let times = Set(items.flatMap(\.keys))
            for t in times {
                let values = items.compactMap { $0[t] }
                switch name {
                case "SUM": out[t] = values.reduce(0, +)
                case "AVG": out[t] = values.reduce(0, +) / Double(values.count)
                case "MIN": out[t] = values.min()
                default: out[t] = values.max()
                }
            }
            return .series(out)
        case "RATE":
            guard case .series(let s) = argument else { throw fail("RATE needs one series") }
            let points = s.sorted { $0.key < $1.key }
            var out: GetMetricData.Series = [:]
            for (a, b) in zip(points, points.dropFirst()) where b.key > a.key {
                out[b.key] = (b.value - a.value) / Double(b.key - a.key)
            }
            return .series(out)
        default:
            throw fail("function \(name) is not supported (SUM, AVG, MIN, MAX, RATE, METRICS are)")
        }
    }

    func combine(_ a: Value, _ b: Value, _ op: Character) throws(CloudWatchError) -> Value {
        func apply(_ x: Double, _ y: Double) -> Double {
            switch op {
            case "+": x + y
            case "-": x - y
            case "*": x * y
            default: y == 0 ? .nan : x / y
            }
        }
        switch (a, b) {
        case (.number(let x), .number(let y)): return .number(apply(x, y))
        case (.series(let s), .number(let y)): return .series(s.mapValues { apply($0, y) })
        case (.number(let x), .series(let s)): return .series(s.mapValues { apply(x, $0) })
        case (.series(let s), .series(let t)):
            var out: GetMetricData.Series = [:]
            for (k, v) in s { if let w = t[k] { out[k] = apply(v, w) } }
            return .series(out)
        default: throw fail("cannot combine lists")
        }
    }
}
