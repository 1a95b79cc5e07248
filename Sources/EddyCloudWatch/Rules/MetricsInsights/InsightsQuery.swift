/// A Metrics Insights query, as GetMetricData, alarms and dashboards send it:
///
///     SELECT AVG(IncomingRecords) FROM SCHEMA("AWS/Kinesis", StreamName)
///     WHERE StreamName != 'canary' GROUP BY StreamName ORDER BY SUM() DESC LIMIT 10
///
/// Keywords in any case; names bare or in double quotes, values in single quotes (a
/// backslash escapes the next character). WHERE takes `=`, `!=`, `LIKE` / `NOT LIKE` (`%` and
/// `_` wildcards), `IN` / `NOT IN` lists, AND, OR, NOT and parentheses, nested to a bound.
struct InsightsQuery: Sendable, Equatable {
    enum Function: String, Sendable, CaseIterable { case avg = "AVG", count = "COUNT", max = "MAX", min = "MIN", sum = "SUM" }

    indirect enum Condition: Sendable, Equatable {
        case equal(String, String)
        case like(String, pattern: String)
        case within(String, [String])
        case not(Condition)
        case and(Condition, Condition)
        case or(Condition, Condition)

        func holds(_ dimensions: [String: String]) -> Bool {
            switch self {
            case .equal(let k, let v): dimensions[k] == v
            case .like(let k, let pattern): dimensions[k].map { InsightsQuery.like(Array($0), Array(pattern)) } ?? false
            case .within(let k, let values): dimensions[k].map(values.contains) ?? false
            case .not(let c): !c.holds(dimensions)
            case .and(let a, let b): a.holds(dimensions) && b.holds(dimensions)
            case .or(let a, let b): a.holds(dimensions) || b.holds(dimensions)
            }
        }
    }

    var function: Function
    var metricName: String
    var namespace: String
    /// SCHEMA's dimension names: only metrics with exactly these match (none: no dimensions).
    var schema: Set<String>?
    var condition: Condition?
    var groupBy: [String] = []
    var orderBy: (function: Function, descending: Bool)?
    var limit: Int?

    static func == (a: InsightsQuery, b: InsightsQuery) -> Bool {
        a.function == b.function && a.metricName == b.metricName && a.namespace == b.namespace && a.schema == b.schema
            && a.condition == b.condition && a.groupBy == b.groupBy && a.orderBy?.function == b.orderBy?.function
            && a.orderBy?.descending == b.orderBy?.descending && a.limit == b.limit
    }

    /// As CloudWatch: a query returns at most 500 series and reads at most 10,000 metrics.
    static let maxSeries = 500
    static let maxMetrics = 10_000
    static let maxNesting = 32

    /// Whether an expression is a Metrics Insights query rather than metric math.
    static func isQuery(_ expression: String) -> Bool {
        let head = expression.drop { $0.isWhitespace }.prefix(7).uppercased()
        return head.hasPrefix("SELECT") && (head.count == 6 || head.last.map { $0.isWhitespace } == true)
    }

    /// SQL's LIKE without recursion: `%` any run, `_` one character.
    static func like(_ s: [Character], _ p: [Character]) -> Bool {
        var i = 0, j = 0, starJ = -1, starI = 0
        while i < s.count {
            if j < p.count, p[j] == "_" || p[j] == s[i] { i += 1; j += 1 }
            else if j < p.count, p[j] == "%" { starJ = j; starI = i; j += 1 }
            else if starJ >= 0 { j = starJ + 1; starI += 1; i = starI }
            else { return false }
        }
        while j < p.count, p[j] == "%" { j += 1 }
        return j == p.count
    }

    static func parse(_ text: String) throws(MathFailure) -> InsightsQuery {
        var p = InsightsParser(text: Array(text))
        return try p.query()
    }
}

struct InsightsParser {
    let text: [Character]
    var i = 0
    var nesting = 0

    func failure(_ what: String) -> MathFailure {
        MathFailure("Metrics Insights query: \(what) at position \(min(i, text.count) + 1)")
    }

    mutating func skipSpaces() { while i < text.count, text[i].isWhitespace { i += 1 } }

    static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Takes a keyword (any case) when it comes next as a whole word.
    mutating func keyword(_ k: String) -> Bool {
        skipSpaces()
        let chars = Array(k)
        guard i + chars.count <= text.count,
              String(text[i..<(i + chars.count)]).uppercased() == k else { return false }
        if chars.last.map(Self.isNameCharacter) == true, i + chars.count < text.count, Self.isNameCharacter(text[i + chars.count]) {
            return false
        }
        i += chars.count
        return true
    }

    mutating func expect(_ k: String) throws(MathFailure) {
        guard keyword(k) else { throw failure("expected \(k)") }
    }

    /// A bare name or a double-quoted one.
    mutating func name() throws(MathFailure) -> String {
        skipSpaces()
        guard i < text.count else { throw failure("expected a name") }
        if text[i] == "\"" { return try quoted() }
        let start = i
        while i < text.count, Self.isNameCharacter(text[i]) { i += 1 }
        guard i > start else { throw failure("expected a name") }
        return String(text[start..<i])
    }

    mutating func value() throws(MathFailure) -> String {
        skipSpaces()
        guard i < text.count, text[i] == "'" else { throw failure("expected a value in single quotes") }
        return try quoted()
    }

    mutating func quoted() throws(MathFailure) -> String {
        guard let s = QuotedText.read(text, at: &i) else { throw failure("a quoted string is not closed") }
        return s
    }

    mutating func function() throws(MathFailure) -> InsightsQuery.Function {
        for f in InsightsQuery.Function.allCases where keyword(f.rawValue) { return f }
        throw failure("expected one of AVG, COUNT, MAX, MIN, SUM")
    }

    mutating func query() throws(MathFailure) -> InsightsQuery {
        try expect("SELECT")
        let function = try function()
        try expect("(")
        let metric = try name()
        try expect(")")
        try expect("FROM")
        var namespace: String
        var schema: Set<String>?
        if keyword("SCHEMA") {
            try expect("(")
            namespace = try name()
            var keys: Set<String> = []
            while keyword(",") { keys.insert(try name()) }
            try expect(")")
            schema = keys
        } else {
            namespace = try name()
        }
        var q = InsightsQuery(function: function, metricName: metric, namespace: namespace, schema: schema)
        if keyword("WHERE") { q.condition = try or() }
        if keyword("GROUP") {
            try expect("BY")
            repeat { q.groupBy.append(try name()) } while keyword(",")
        }
        if keyword("ORDER") {
            try expect("BY")
            let f = try self.function()
            try expect("(")
            try expect(")")
            let descending = keyword("DESC")
            if !descending { _ = keyword("ASC") }
            q.orderBy = (f, descending)
        }
        if keyword("LIMIT") {
            skipSpaces()
            let start = i
            while i < text.count, text[i].isNumber, i - start < 6 { i += 1 }
            guard let n = Int(String(text[start..<i])), n >= 1, n <= InsightsQuery.maxSeries else {
                throw failure("LIMIT takes a number from 1 to \(InsightsQuery.maxSeries)")
            }
            q.limit = n
        }
        skipSpaces()
        guard i == text.count else { throw failure("unexpected '\(text[i])'") }
        return q
    }

    mutating func or() throws(MathFailure) -> InsightsQuery.Condition {
        var left = try and()
        while keyword("OR") { left = .or(left, try and()) }
        return left
    }

    mutating func and() throws(MathFailure) -> InsightsQuery.Condition {
        var left = try unary()
        while keyword("AND") { left = .and(left, try unary()) }
        return left
    }

    mutating func unary() throws(MathFailure) -> InsightsQuery.Condition {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= InsightsQuery.maxNesting else { throw failure("the WHERE clause is nested too deep") }
        if keyword("NOT") { return .not(try unary()) }
        if keyword("(") {
            let c = try or()
            try expect(")")
            return c
        }
        let key = try name()
        if keyword("=") { return .equal(key, try value()) }
        if keyword("!=") { return .not(.equal(key, try value())) }
        if keyword("LIKE") { return .like(key, pattern: try value()) }
        if keyword("IN") { return .within(key, try list()) }
        if keyword("NOT") {
            if keyword("LIKE") { return .not(.like(key, pattern: try value())) }
            if keyword("IN") { return .not(.within(key, try list())) }
        }
        throw failure("expected =, !=, LIKE, NOT LIKE, IN or NOT IN")
    }

    mutating func list() throws(MathFailure) -> [String] {
        try expect("(")
        var values: [String] = []
        repeat {
            values.append(try value())
            guard values.count <= 100 else { throw failure("an IN list holds at most 100 values") }
        } while keyword(",")
        try expect(")")
        return values
    }
}
