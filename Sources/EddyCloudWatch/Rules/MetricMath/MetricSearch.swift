/// The search expression of metric math's SEARCH(): `{AWS/Kinesis,StreamName}
/// MetricName="IncomingRecords"`, `Errors OR Throttles`, `NOT StreamName="canary"`.
///
/// A `{namespace, dimension…}` schema matches metrics of that namespace with exactly those
/// dimension names; `Key="value"` matches MetricName, Namespace or a dimension exactly; a bare
/// or quoted term matches part of any of them, ignoring case. Terms side by side are ANDed.
indirect enum MetricSearch: Sendable {
    case schema(namespace: String, dimensions: Set<String>)
    case exact(key: String, value: String)
    case partial(String)
    case not(MetricSearch)
    case and(MetricSearch, MetricSearch)
    case or(MetricSearch, MetricSearch)
    case all

    static let maxNesting = 32
    /// As CloudWatch: a search gives at most this many time series.
    static let maxResults = 500

    struct Candidate {
        var namespace: String
        var name: String
        var dimensions: [(name: String, value: String)]
    }

    func matches(_ m: Candidate) -> Bool {
        switch self {
        case .all: return true
        case .schema(let namespace, let names):
            return m.namespace == namespace && Set(m.dimensions.map(\.name)) == names && m.dimensions.count == names.count
        case .exact(let key, let value):
            switch key {
            case "MetricName": return m.name == value
            case "Namespace": return m.namespace == value
            default: return m.dimensions.contains { $0.name == key && $0.value == value }
            }
        case .partial(let term):
            let t = term.lowercased()
            return ([m.namespace, m.name] + m.dimensions.flatMap { [$0.name, $0.value] }).contains { $0.lowercased().contains(t) }
        case .not(let s): return !s.matches(m)
        case .and(let a, let b): return a.matches(m) && b.matches(m)
        case .or(let a, let b): return a.matches(m) || b.matches(m)
        }
    }

    static func parse(_ text: String) throws(MathFailure) -> MetricSearch {
        var p = Parser(text: Array(text))
        let s = try p.or()
        p.skipSpaces()
        guard p.i == p.text.count else { throw MathFailure("the search expression has an unexpected '\(p.text[p.i])'") }
        return s
    }

    struct Parser {
        let text: [Character]
        var i = 0
        var nesting = 0

        mutating func skipSpaces() { while i < text.count, text[i].isWhitespace { i += 1 } }

        mutating func word(_ w: String) -> Bool {
            skipSpaces()
            let chars = Array(w)
            guard i + chars.count <= text.count, Array(text[i..<(i + chars.count)]) == chars else { return false }
            let end = i + chars.count
            guard end == text.count || !Self.isTermCharacter(text[end]) else { return false }
            i = end
            return true
        }

        static func isTermCharacter(_ c: Character) -> Bool {
            !(c.isWhitespace || c == "(" || c == ")" || c == "{" || c == "}" || c == "," || c == "=" || c == "\"")
        }

        mutating func or() throws(MathFailure) -> MetricSearch {
            var left = try and()
            while word("OR") { left = .or(left, try and()) }
            return left
        }

        mutating func and() throws(MathFailure) -> MetricSearch {
            var left = try unary()
            while true {
                if word("AND") { left = .and(left, try unary()); continue }
                skipSpaces()
                guard i < text.count, text[i] != ")", !peekWord("OR") else { return left }
                left = .and(left, try unary())
            }
        }

        func peekWord(_ w: String) -> Bool {
            var copy = self
            return copy.word(w)
        }

        mutating func unary() throws(MathFailure) -> MetricSearch {
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= MetricSearch.maxNesting else { throw MathFailure("the search expression is nested too deep") }
            if word("NOT") { return .not(try unary()) }
            skipSpaces()
            guard i < text.count else { throw MathFailure("the search expression ends early") }
            switch text[i] {
            case "(":
                i += 1
                let s = try or()
                skipSpaces()
                guard i < text.count, text[i] == ")" else { throw MathFailure("the search expression misses a ')'") }
                i += 1
                return s
            case "{":
                i += 1
                var parts: [String] = []
                repeat {
                    skipSpaces()
                    parts.append(try term())
                    skipSpaces()
                    guard i < text.count else { throw MathFailure("the search expression misses a '}'") }
                    if text[i] == "}" { i += 1; break }
                    guard text[i] == "," else { throw MathFailure("the schema of a search expression lists names separated by ','") }
                    i += 1
                } while true
                guard let namespace = parts.first else { throw MathFailure("a schema names a namespace") }
                return .schema(namespace: namespace, dimensions: Set(parts.dropFirst()))
            default:
                let key = try term()
                skipSpaces()
                if i < text.count, text[i] == "=" {
                    i += 1
                    skipSpaces()
                    return .exact(key: key, value: try term())
                }
                return .partial(key)
            }
        }

        /// A bare word or a double-quoted string (backslash escapes).
        mutating func term() throws(MathFailure) -> String {
            guard i < text.count else { throw MathFailure("the search expression ends early") }
            if text[i] == "\"" {
                guard let quoted = QuotedText.read(text, at: &i) else {
                    throw MathFailure("a quoted name in the search expression is not closed")
                }
                return quoted
            }
            let start = i
            while i < text.count, Self.isTermCharacter(text[i]) { i += 1 }
            guard i > start else { throw MathFailure("the search expression has an unexpected '\(text[i])'") }
            return String(text[start..<i])
        }
    }
}
