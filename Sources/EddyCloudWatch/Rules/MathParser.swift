import EddyWire

/// Metric math: `m1 + m2 * 2`, `SUM(METRICS())`, `AVG([m1, m2])`, `RATE(m1)`, `(m1 - m2) / 60`.
/// A recursive-descent parser whose nesting is bounded (the expression is the client's).
struct MathParser {
    static let maxNesting = 32
    enum Value { case number(Double), series(CloudWatchAPI.GetMetricData.Series), list([CloudWatchAPI.GetMetricData.Series]) }

    let text: [Character]
    let series: [String: CloudWatchAPI.GetMetricData.Series]
    let statIds: [String]
    var i = 0
    var nesting = 0

    init(text: String, series: [String: CloudWatchAPI.GetMetricData.Series], statIds: [String]) {
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
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw fail("nested more than \(Self.maxNesting) deep") }
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
            var items: [CloudWatchAPI.GetMetricData.Series] = []
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
            let items: [CloudWatchAPI.GetMetricData.Series]
            switch argument {
            case .list(let l): items = l
            case .series(let s): items = [s]
            case .number: throw fail("\(name) needs series")
            }
            var out: CloudWatchAPI.GetMetricData.Series = [:]
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
            var out: CloudWatchAPI.GetMetricData.Series = [:]
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
            var out: CloudWatchAPI.GetMetricData.Series = [:]
            for (k, v) in s { if let w = t[k] { out[k] = apply(v, w) } }
            return .series(out)
        default: throw fail("cannot combine lists")
        }
    }
}
