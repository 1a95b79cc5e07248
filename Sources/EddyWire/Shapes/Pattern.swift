/// A service model's regular expression (the Java subset the AWS models use), matched against
/// a whole value as AWS's validators do. Hand-written so the wire layer needs no Foundation
/// (NSRegularExpression pulls in ICU: megabytes of resident memory for a few patterns).
///
/// Supported: literals and escapes (`\d \D \w \W \s \S \uXXXX \xXX \p{L} \p{N} \p{Z}`), `.`,
/// classes with ranges and negation, groups `( )` `(?: )`, alternation, greedy and lazy
/// quantifiers `* + ? {n} {n,} {n,m}`, anchors `^ $`, lookahead `(?= )` `(?! )` and
/// lookbehind `(?<= )` `(?<! )`.
public struct Pattern: Sendable {
    public let source: String
    private let root: Node

    public struct SyntaxError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var parser = Parser(scalars: Array(source.unicodeScalars))
        root = try parser.parseAll()
    }

    public func matches(_ s: String) -> Bool {
        let input = Array(s.unicodeScalars)
        let matcher = Matcher(input: input)
        var steps = 0
        return matcher.match(root, 0, &steps) { $0 == input.count }
    }

    // MARK: Syntax tree

    indirect enum Node: Sendable {
        case scalar(Unicode.Scalar)
        case any
        case set(ScalarSet)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int, lazy: Bool)
        case start, end
        case lookahead(Node, negative: Bool)
        case lookbehind(Node, negative: Bool)
    }

    struct ScalarSet: Sendable {
        indirect enum Item: Sendable {
            case range(UInt32, UInt32)
            case digit, word, space, letter, number, separator
            case negated(Item)
        }

        var items: [Item] = []
        var negated = false

        func contains(_ c: Unicode.Scalar) -> Bool {
            items.contains { Self.matches($0, c) } != negated
        }

        static func matches(_ item: Item, _ c: Unicode.Scalar) -> Bool {
            switch item {
            case .range(let lo, let hi): return c.value >= lo && c.value <= hi
            case .digit: return c.value >= 0x30 && c.value <= 0x39
            case .word: return c.value < 128 && (c.properties.isAlphabetic || (c.value >= 0x30 && c.value <= 0x39) || c == "_")
            case .space: return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}"
            case .letter:
                switch c.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
                default: return false
                }
            case .number:
                switch c.properties.generalCategory {
                case .decimalNumber, .letterNumber, .otherNumber: return true
                default: return false
                }
            case .separator:
                switch c.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
                default: return false
                }
            case .negated(let inner): return !matches(inner, c)
            }
        }
    }

    // MARK: Parser

    struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0

        func error(_ what: String) -> SyntaxError { SyntaxError(description: "\(what) at \(i) in pattern") }

        mutating func parseAll() throws(SyntaxError) -> Node {
            let node = try parseAlternation()
            if i != scalars.count { throw error("unexpected ')'") }
            return node
        }

        mutating func parseAlternation() throws(SyntaxError) -> Node {
            var branches = [try parseSequence()]
            while i < scalars.count, scalars[i] == "|" {
                i += 1
                branches.append(try parseSequence())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseSequence() throws(SyntaxError) -> Node {
            var items: [Node] = []
            while i < scalars.count, scalars[i] != "|", scalars[i] != ")" {
                var atom = try parseAtom()
                atom = try parseQuantifiers(atom)
                items.append(atom)
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func parseQuantifiers(_ atom: Node) throws(SyntaxError) -> Node {
            var node = atom
            while i < scalars.count {
                var min = 0, max = Int.max
                switch scalars[i] {
                case "*": i += 1
                case "+": min = 1; i += 1
                case "?": max = 1; i += 1
                case "{":
                    guard let (lo, hi) = parseBraces() else { return node }
                    min = lo; max = hi
                default: return node
                }
                var lazy = false
                if i < scalars.count, scalars[i] == "?" { lazy = true; i += 1 }
                if i < scalars.count, scalars[i] == "+" { i += 1 }  // possessive: treated as greedy
                node = .repetition(node, min: min, max: max, lazy: lazy)
            }
            return node
        }

        /// `{n}`, `{n,}`, `{n,m}`; nil (and no input consumed) when it is a literal brace.
        mutating func parseBraces() -> (Int, Int)? {
            var j = i + 1
            func number() -> Int? {
                var n: Int?
                while j < scalars.count, let d = scalars[j].properties.numericType != nil ? Int(String(scalars[j])) : nil {
                    n = (n ?? 0) * 10 + d
                    j += 1
                }
                return n
            }
            guard let lo = number() else { return nil }
            var hi = lo
            if j < scalars.count, scalars[j] == "," {
                j += 1
                hi = number() ?? Int.max
            }
            guard j < scalars.count, scalars[j] == "}" else { return nil }
            i = j + 1
            return (lo, hi)
        }

        mutating func parseAtom() throws(SyntaxError) -> Node {
            let c = scalars[i]
            switch c {
            case "(":
                i += 1
                var kind = 0  // 0 group, 1 lookahead, 2 lookbehind
                var negative = false
                if i + 1 < scalars.count, scalars[i] == "?" {
                    switch scalars[i + 1] {
                    case ":": i += 2
                    case "=", "!": kind = 1; negative = scalars[i + 1] == "!"; i += 2
                    case "<" where i + 2 < scalars.count && (scalars[i + 2] == "=" || scalars[i + 2] == "!"):
                        kind = 2; negative = scalars[i + 2] == "!"; i += 3
                    default: throw error("unsupported group")
                    }
                }
                let inner = try parseAlternation()
                guard i < scalars.count, scalars[i] == ")" else { throw error("missing ')'") }
                i += 1
                switch kind {
                case 1: return .lookahead(inner, negative: negative)
                case 2: return .lookbehind(inner, negative: negative)
                default: return inner
                }
            case "[": return .set(try parseClass())
            case ".": i += 1; return .any
            case "^": i += 1; return .start
            case "$": i += 1; return .end
            case "\\":
                i += 1
                let item = try parseEscape()
                if case .range(let lo, let hi) = item, lo == hi, let s = Unicode.Scalar(lo) { return .scalar(s) }
                return .set(ScalarSet(items: [item]))
            case "*", "+", "?":
                throw error("nothing to repeat")
            default:
                i += 1
                return .scalar(c)
            }
        }

        /// After a backslash: a class escape or an escaped character (as a one-scalar range).
        mutating func parseEscape() throws(SyntaxError) -> ScalarSet.Item {
            guard i < scalars.count else { throw error("trailing backslash") }
            let c = scalars[i]
            i += 1
            switch c {
            case "d": return .digit
            case "D": return .negated(.digit)
            case "w": return .word
            case "W": return .negated(.word)
            case "s": return .space
            case "S": return .negated(.space)
            case "t": return .range(9, 9)
            case "n": return .range(10, 10)
            case "r": return .range(13, 13)
            case "u", "x":
                let width = c == "u" ? 4 : 2
                guard i + width <= scalars.count, let v = UInt32(String(String.UnicodeScalarView(scalars[i..<(i + width)])), radix: 16) else {
                    throw error("bad \\\(c) escape")
                }
                i += width
                return .range(v, v)
            case "p", "P":
                guard i < scalars.count, scalars[i] == "{", let close = scalars[i...].firstIndex(of: "}") else { throw error("bad \\p") }
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                i = close + 1
                let item: ScalarSet.Item
                switch name {
                case "L", "IsL", "IsLetter", "Alpha": item = .letter
                case "N", "IsN", "Digit": item = .number
                case "Z", "IsZ": item = .separator
                default: throw error("unsupported \\p{\(name)}")
                }
                return c == "P" ? .negated(item) : item
            default:
                if c.properties.isAlphabetic || c.properties.numericType != nil { throw error("unsupported escape \\\(c)") }
                return .range(c.value, c.value)
            }
        }

        mutating func parseClass() throws(SyntaxError) -> ScalarSet {
            i += 1
            var set = ScalarSet()
            if i < scalars.count, scalars[i] == "^" { set.negated = true; i += 1 }
            var first = true
            while i < scalars.count {
                let c = scalars[i]
                if c == "]" && !first { i += 1; return set }
                first = false
                var lo: ScalarSet.Item
                if c == "\\" {
                    i += 1
                    lo = try parseEscape()
                } else {
                    i += 1
                    lo = .range(c.value, c.value)
                }
                // A range `a-z`, unless the dash ends the class.
                if case .range(let a, let a2) = lo, a == a2, i + 1 < scalars.count, scalars[i] == "-", scalars[i + 1] != "]" {
                    i += 1
                    var hiItem: ScalarSet.Item
                    if scalars[i] == "\\" { i += 1; hiItem = try parseEscape() } else { hiItem = .range(scalars[i].value, scalars[i].value); i += 1 }
                    guard case .range(let b, let b2) = hiItem, b == b2, b >= a else { throw error("bad range in class") }
                    lo = .range(a, b)
                }
                set.items.append(lo)
            }
            throw error("missing ']'")
        }
    }

    // MARK: Matcher

    /// A backtracking matcher with continuations. Single-character repetitions loop instead of
    /// recursing, so deep inputs do not grow the stack; a step budget bounds pathological cases.
    struct Matcher {
        let input: [Unicode.Scalar]
        static let stepBudget = 1_000_000

        func single(_ node: Node, _ pos: Int) -> Bool? {
            switch node {
            case .scalar(let s): return pos < input.count && input[pos] == s
            case .any: return pos < input.count && input[pos] != "\n"
            case .set(let set): return pos < input.count && set.contains(input[pos])
            default: return nil
            }
        }

        func match(_ node: Node, _ pos: Int, _ steps: inout Int, _ k: (Int) -> Bool) -> Bool {
            steps += 1
            if steps > Self.stepBudget { return false }
            switch node {
            case .scalar, .any, .set:
                return single(node, pos) == true && k(pos + 1)
            case .start: return pos == 0 && k(pos)
            case .end: return pos == input.count && k(pos)
            case .sequence(let items): return sequence(items[...], pos, &steps, k)
            case .alternation(let branches):
                for b in branches where match(b, pos, &steps, k) { return true }
                return false
            case .lookahead(let inner, let negative):
                var s = steps
                let found = match(inner, pos, &s) { _ in true }
                steps = s
                return found != negative && k(pos)
            case .lookbehind(let inner, let negative):
                var found = false
                for start in stride(from: pos, through: 0, by: -1) {
                    var s = steps
                    if match(inner, start, &s, { $0 == pos }) { found = true; steps = s; break }
                    steps = s
                }
                return found != negative && k(pos)
            case .repetition(let inner, let min, let max, let lazy):
                if single(inner, pos) != nil {
                    var run = 0
                    while run < max, pos + run < input.count, single(inner, pos + run) == true { run += 1 }
                    if run < min { return false }
                    if lazy {
                        for n in min...run where k(pos + n) { return true }
                    } else {
                        for n in stride(from: run, through: min, by: -1) where k(pos + n) { return true }
                    }
                    return false
                }
                return repeatNode(inner, min, max, lazy, 0, pos, &steps, k)
            }
        }

        func sequence(_ items: ArraySlice<Node>, _ pos: Int, _ steps: inout Int, _ k: (Int) -> Bool) -> Bool {
            guard let first = items.first else { return k(pos) }
            let rest = items.dropFirst()
            var s = steps
            let result = withoutActuallyEscaping(k) { k in
                match(first, pos, &s) { p in
                    var inner = 0
                    return sequence(rest, p, &inner, k)
                }
            }
            steps = s
            return result
        }

        func repeatNode(_ node: Node, _ min: Int, _ max: Int, _ lazy: Bool, _ count: Int, _ pos: Int,
                        _ steps: inout Int, _ k: (Int) -> Bool) -> Bool {
            if lazy && count >= min && k(pos) { return true }
            if count < max {
                var s = steps
                let more = match(node, pos, &s) { p in
                    // An empty iteration cannot make progress; stop repeating there.
                    guard p != pos || count < min else { return false }
                    var inner = 0
                    return repeatNode(node, min, max, lazy, count + 1, p, &inner, k)
                }
                steps = s
                if more { return true }
            }
            return !lazy && count >= min && k(pos)
        }
    }
}
