/// Metric math as CloudWatch reads it: `m1 + m2 * 2`, `(m1 - m2) / PERIOD(m1)`,
/// `IF(m1 > 10 AND m2 < 5, 1, 0)`, `SUM(METRICS("errors"))`, `FILL(m1, REPEAT)`,
/// `SEARCH('{AWS/Kinesis,StreamName} MetricName="IncomingRecords"', 'Sum', 60)`.
///
/// The expression is the client's, so it is computed as it is read (a chain of `+` is a loop,
/// not a tree to walk again), and every level of parentheses or function call is counted
/// against a bound before it recurses.
struct MathParser {
    static let maxNesting = 32

    let text: [Character]
    let environment: MathEnvironment
    var i = 0
    var nesting = 0

    init(text: String, environment: MathEnvironment) {
        self.text = Array(text)
        self.environment = environment
    }

    /// The value of the whole expression.
    static func evaluate(_ expression: String, in environment: MathEnvironment) throws(MathFailure) -> MathValue {
        var parser = MathParser(text: expression, environment: environment)
        let value = try parser.logicalOr()
        parser.skipSpaces()
        guard parser.i == parser.text.count else { throw parser.unexpected() }
        return value
    }

    /// The query ids an expression refers to (identifiers not called as functions), so that
    /// expressions can be computed in the order they depend on each other.
    static func references(in expression: String) -> Set<String> {
        let text = Array(expression)
        var out: Set<String> = []
        var i = 0
        while i < text.count {
            if text[i] == "\"" || text[i] == "'" {
                let quote = text[i]
                i += 1
                while i < text.count, text[i] != quote { i += text[i] == "\\" ? 2 : 1 }
                i += 1
            } else if text[i].isLetter {
                let start = i
                while i < text.count, text[i].isLetter || text[i].isNumber || text[i] == "_" { i += 1 }
                var j = i
                while j < text.count, text[j].isWhitespace { j += 1 }
                if j >= text.count || text[j] != "(" { out.insert(String(text[start..<i])) }
            } else {
                i += 1
            }
        }
        return out
    }

    // MARK: Reading

    mutating func skipSpaces() { while i < text.count, text[i].isWhitespace { i += 1 } }

    func unexpected() -> MathFailure {
        i < text.count ? MathFailure("unexpected '\(text[i])' at position \(i + 1)") : MathFailure("unexpected end of expression")
    }

    /// Takes `symbol` when it comes next.
    mutating func take(_ symbol: String) -> Bool {
        skipSpaces()
        let s = Array(symbol)
        guard i + s.count <= text.count, Array(text[i..<(i + s.count)]) == s else { return false }
        // A word operator must end where the word does (`ANDROID` is an id).
        if let last = s.last, last.isLetter, i + s.count < text.count,
           text[i + s.count].isLetter || text[i + s.count].isNumber || text[i + s.count] == "_" { return false }
        i += s.count
        return true
    }

    mutating func expect(_ symbol: String) throws(MathFailure) {
        guard take(symbol) else { throw unexpected() }
    }

    mutating func deeper() throws(MathFailure) {
        nesting += 1
        guard nesting <= Self.maxNesting else { throw MathFailure("the expression is nested more than \(Self.maxNesting) deep") }
    }

    // MARK: Precedence levels, lowest first

    mutating func logicalOr() throws(MathFailure) -> MathValue {
        var left = try logicalAnd()
        while take("||") || take("OR") { left = try MathOperator.or.combine(left, try logicalAnd()) }
        return left
    }

    mutating func logicalAnd() throws(MathFailure) -> MathValue {
        var left = try comparison()
        while take("&&") || take("AND") { left = try MathOperator.and.combine(left, try comparison()) }
        return left
    }

    mutating func comparison() throws(MathFailure) -> MathValue {
        var left = try additive()
        while true {
            let op: MathOperator
            if take("==") { op = .equal } else if take("!=") { op = .notEqual } else if take("<=") { op = .lessOrEqual }
            else if take(">=") { op = .greaterOrEqual } else if take("<") { op = .less } else if take(">") { op = .greater }
            else { return left }
            left = try op.combine(left, try additive())
        }
    }

    mutating func additive() throws(MathFailure) -> MathValue {
        var left = try multiplicative()
        while true {
            let op: MathOperator
            if take("+") { op = .plus } else if take("-") { op = .minus } else { return left }
            left = try op.combine(left, try multiplicative())
        }
    }

    mutating func multiplicative() throws(MathFailure) -> MathValue {
        var left = try unary()
        while true {
            let op: MathOperator
            if take("*") { op = .times } else if take("/") { op = .divide } else { return left }
            left = try op.combine(left, try unary())
        }
    }

    mutating func unary() throws(MathFailure) -> MathValue {
        if take("-") {
            try deeper()
            defer { nesting -= 1 }
            return try MathOperator.minus.combine(.scalar(0), try unary())
        }
        if take("!") || take("NOT") {
            try deeper()
            defer { nesting -= 1 }
            return try MathOperator.equal.combine(try unary(), .scalar(0))
        }
        return try power()
    }

    /// `^` binds tighter than a sign and groups to the right; its exponent is a unary level,
    /// so `2 ^ -1` reads.
    mutating func power() throws(MathFailure) -> MathValue {
        let base = try primary()
        guard take("^") else { return base }
        try deeper()
        defer { nesting -= 1 }
        return try MathOperator.power.combine(base, try unary())
    }

    mutating func primary() throws(MathFailure) -> MathValue {
        try deeper()
        defer { nesting -= 1 }
        skipSpaces()
        guard i < text.count else { throw unexpected() }
        let c = text[i]
        if c == "(" {
            i += 1
            let v = try logicalOr()
            try expect(")")
            return v
        }
        if c == "[" {
            i += 1
            var items: [TimeSeries] = []
            repeat {
                switch try logicalOr() {
                case .series(let s): items.append(s)
                case .array(let l): items += l
                case let other: throw MathFailure("an array holds time series, not \(other.kind)")
                }
            } while take(",")
            try expect("]")
            return .array(items)
        }
        if c == "\"" || c == "'" { return .text(try string()) }
        if c.isNumber || c == "." { return .scalar(try number()) }
        guard c.isLetter else { throw unexpected() }
        let start = i
        while i < text.count, text[i].isLetter || text[i].isNumber || text[i] == "_" { i += 1 }
        let name = String(text[start..<i])
        if take("(") {
            try MathFunctions.check(name.uppercased())
            var arguments: [MathValue] = []
            if !take(")") {
                repeat { arguments.append(try logicalOr()) } while take(",")
                try expect(")")
            }
            return try MathFunctions.call(name.uppercased(), arguments, environment)
        }
        if let value = environment.values[name] { return value }
        if MathFunctions.keywords.contains(name) { return .keyword(name) }
        throw MathFailure("the expression refers to \(name), which is not the Id of a query")
    }

    mutating func number() throws(MathFailure) -> Double {
        let start = i
        while i < text.count, text[i].isNumber || text[i] == "." { i += 1 }
        if i < text.count, text[i] == "e" || text[i] == "E" {
            i += 1
            if i < text.count, text[i] == "-" || text[i] == "+" { i += 1 }
            while i < text.count, text[i].isNumber { i += 1 }
        }
        guard let d = Double(String(text[start..<i])), d.isFinite else { throw MathFailure("\(String(text[start..<i])) is not a number") }
        return d
    }

    mutating func string() throws(MathFailure) -> String {
        guard let s = QuotedText.read(text, at: &i) else { throw MathFailure("a string is not closed") }
        return s
    }
}

/// What an expression can see: the values of the other queries, the MetricStat queries in
/// request order (for METRICS()), the time range, and how to run a SEARCH.
struct MathEnvironment {
    var values: [String: MathValue]
    /// MetricStat query ids, in the order of the request.
    var metricIds: [String]
    var start: Int64
    var end: Int64
    /// The period of a series the expression makes from nothing (TIME_SERIES, SEARCH default).
    var period: Int64
    var search: (_ expression: String, _ statistic: String, _ period: Int64) throws(MathFailure) -> [TimeSeries]
}
