/// A service model's regular expression (the Java subset the AWS models use), matched against
/// a whole value as AWS's validators do. Hand-written so the wire layer needs no Foundation
/// (NSRegularExpression pulls in ICU: megabytes of resident memory for a few patterns).
///
/// Supported: literals and escapes (`\d \D \w \W \s \S \uXXXX \xXX \p{L} \p{N} \p{Z}`), `.`,
/// classes with ranges and negation, groups `( )` `(?: )`, alternation, greedy and lazy
/// quantifiers `* + ? {n} {n,} {n,m}`, anchors `^ $`, lookahead `(?= )` `(?! )` and
/// lookbehind `(?<= )` `(?<! )`.
///
/// Matching does not backtrack: the pattern is compiled to an NFA program run over the input
/// once (a Pike VM), so time grows with the input's length times the pattern's size, never
/// exponentially, and nothing recurses per input character. Only the whole-match answer is
/// needed, so greedy and lazy quantifiers are the same here. A step budget bounds the rest.
public struct Pattern: Sendable {
    public let source: String
    private let programs: [Program]

    /// The compiled size, every program together (what `Compiler.maxInstructions` bounds).
    package var instructionCount: Int { programs.reduce(0) { $0 + $1.instructions.count } }

    public struct SyntaxError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var parser = Parser(scalars: Array(source.unicodeScalars))
        let root = try parser.parseAll()
        var compiler = Compiler()
        _ = try compiler.program(root)
        programs = compiler.programs
    }

    /// Whether the whole of `s` matches (Java's `Matcher.matches()`, which AWS validates with).
    /// An input that would take more than `stepBudget` steps does not match.
    public func matches(_ s: String) -> Bool {
        var vm = Machine(input: Array(s.unicodeScalars), programs: programs)
        return vm.run(0, from: 0, mode: .wholeInput)
    }

    /// Threads advanced in one match, all lookarounds included.
    public static let stepBudget = 4_000_000

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
                    // Counts beyond this are not written out as program steps (see Compiler).
                    guard (n ?? 0) <= Compiler.maxCount else { return nil }
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

    // MARK: Program

    enum Instruction: Sendable {
        /// Consumes one scalar that matches.
        case scalar(Unicode.Scalar)
        case any
        case set(ScalarSet)
        /// Goes on at both (no input consumed).
        case split(Int, Int)
        case jump(Int)
        case assertStart
        case assertEnd
        /// Goes on if the lookaround program `program` matches here (or does not, if negative).
        case look(program: Int, behind: Bool, negative: Bool, minLength: Int, maxLength: Int)
        case match
    }

    struct Program: Sendable {
        var instructions: [Instruction] = []
    }

    /// Compiles the syntax tree: program 0 is the pattern, each lookaround's body one more.
    struct Compiler {
        /// `{n,m}` is written out n..m times; the models need at most 255.
        static let maxCount = 4096
        // The largest model pattern is some 600 instructions (a test watches that).
        static let maxInstructions = 50_000
        var programs: [Program] = []
        /// Instructions of the programs already finished: a lookaround inside a repetition is
        /// compiled once per copy, so the bound must cover all programs, not each one.
        var finished = 0

        mutating func program(_ node: Node) throws(SyntaxError) -> Int {
            let index = programs.count
            programs.append(Program())
            var body: [Instruction] = []
            try emit(node, into: &body)
            body.append(.match)
            finished += body.count
            programs[index].instructions = body
            return index
        }

        mutating func emit(_ node: Node, into p: inout [Instruction]) throws(SyntaxError) {
            guard p.count + finished < Self.maxInstructions else { throw SyntaxError(description: "pattern too large to compile") }
            switch node {
            case .scalar(let c): p.append(.scalar(c))
            case .any: p.append(.any)
            case .set(let set): p.append(.set(set))
            case .start: p.append(.assertStart)
            case .end: p.append(.assertEnd)
            case .sequence(let items):
                for item in items { try emit(item, into: &p) }
            case .alternation(let branches):
                // split L1, next; L1: a; jump end; next: split L2, … ; last: z; end:
                var jumps: [Int] = []
                for (n, branch) in branches.enumerated() {
                    if n < branches.count - 1 {
                        let split = p.count
                        p.append(.split(split + 1, 0))
                        try emit(branch, into: &p)
                        jumps.append(p.count)
                        p.append(.jump(0))
                        p[split] = .split(split + 1, p.count)
                    } else {
                        try emit(branch, into: &p)
                    }
                }
                for j in jumps { p[j] = .jump(p.count) }
            case .repetition(let inner, let min, let max, _):
                guard min <= Self.maxCount, max == Int.max || max <= Self.maxCount else {
                    throw SyntaxError(description: "repetition count too large")
                }
                for _ in 0..<min { try emit(inner, into: &p) }
                if max == Int.max {
                    // loop: split body, end; body: inner; jump loop
                    let loop = p.count
                    p.append(.split(loop + 1, 0))
                    try emit(inner, into: &p)
                    p.append(.jump(loop))
                    p[loop] = .split(loop + 1, p.count)
                } else if max > min {
                    var exits: [Int] = []
                    for _ in min..<max {
                        exits.append(p.count)
                        p.append(.split(p.count + 1, 0))
                        try emit(inner, into: &p)
                    }
                    for e in exits { p[e] = .split(e + 1, p.count) }
                }
            case .lookahead(let inner, let negative), .lookbehind(let inner, let negative):
                let behind: Bool
                if case .lookbehind = node { behind = true } else { behind = false }
                let (lo, hi) = Self.lengths(inner)
                let sub = try program(inner)
                p.append(.look(program: sub, behind: behind, negative: negative, minLength: lo, maxLength: hi))
            }
        }

        /// The fewest and most scalars `node` can match (`Int.max`: unbounded).
        static func lengths(_ node: Node) -> (Int, Int) {
            switch node {
            case .scalar, .any, .set: return (1, 1)
            case .start, .end, .lookahead, .lookbehind: return (0, 0)
            case .sequence(let items):
                return items.map(lengths).reduce((0, 0)) { ($0.0 + $1.0, add($0.1, $1.1)) }
            case .alternation(let branches):
                let all = branches.map(lengths)
                return (all.map(\.0).min() ?? 0, all.map(\.1).max() ?? 0)
            case .repetition(let inner, let min, let max, _):
                let (lo, hi) = lengths(inner)
                let low = lo.multipliedReportingOverflow(by: min)
                let high = max == Int.max ? (hi == 0 ? 0 : Int.max) : hi == Int.max ? Int.max : hi.multipliedReportingOverflow(by: max).partialValue
                return (low.overflow ? Int.max : low.partialValue, high)
            }
        }

        static func add(_ a: Int, _ b: Int) -> Int {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : sum
        }
    }

    // MARK: Machine

    /// Runs programs over the input breadth-first: the live threads are a set of program
    /// positions, advanced together one input scalar at a time.
    struct Machine {
        enum Mode { case wholeInput, anyPrefix, endingAt(Int) }

        let input: [Unicode.Scalar]
        let programs: [Program]
        var steps = 0
        /// Lookaround results by program and position, each computed once.
        var looks: [Int: [Int: Bool]] = [:]

        init(input: [Unicode.Scalar], programs: [Program]) {
            self.input = input
            self.programs = programs
        }

        var exhausted: Bool { steps > Pattern.stepBudget }

        /// Whether program `index`, started at `start`, matches: the whole input, some prefix
        /// of the rest, or exactly up to a position.
        mutating func run(_ index: Int, from start: Int, mode: Mode) -> Bool {
            guard programs.indices.contains(index), start <= input.count else { return false }
            let program = programs[index].instructions
            var seen = [Int](repeating: -1, count: program.count)
            var current: [Int] = []
            var next: [Int] = []
            var stack: [Int] = []
            add(0, at: start, program, &seen, &current, &stack)
            var position = start
            while !current.isEmpty && !exhausted {
                for pc in current {
                    guard case .match = program[pc] else { continue }
                    switch mode {
                    case .anyPrefix: return true
                    case .wholeInput: if position == input.count { return true }
                    case .endingAt(let end): if position == end { return true }
                    }
                }
                if position == input.count { return false }
                if case .endingAt(let end) = mode, position >= end { return false }
                let c = input[position]
                next.removeAll(keepingCapacity: true)
                for pc in current {
                    let consumed: Bool
                    switch program[pc] {
                    case .scalar(let s): consumed = s == c
                    case .any: consumed = c != "\n"
                    case .set(let set): consumed = set.contains(c)
                    default: consumed = false
                    }
                    if consumed { add(pc + 1, at: position + 1, program, &seen, &next, &stack) }
                }
                swap(&current, &next)
                position += 1
            }
            return false
        }

        /// Adds the thread at `pc` and, without consuming input, every thread it leads to.
        /// An explicit stack: the depth of a chain of splits is the pattern's, not the input's.
        private mutating func add(_ pc: Int, at position: Int, _ program: [Instruction], _ seen: inout [Int], _ list: inout [Int],
                                  _ pending: inout [Int]) {
            pending.removeAll(keepingCapacity: true)
            pending.append(pc)
            while let pc = pending.popLast() {
                guard program.indices.contains(pc), seen[pc] != position else { continue }
                seen[pc] = position
                steps += 1
                if exhausted { return }
                switch program[pc] {
                case .split(let a, let b): pending.append(b); pending.append(a)
                case .jump(let a): pending.append(a)
                case .assertStart: if position == 0 { pending.append(pc + 1) }
                case .assertEnd: if position == input.count { pending.append(pc + 1) }
                case .look(let sub, let behind, let negative, let minLength, let maxLength):
                    if look(sub, behind: behind, at: position, minLength: minLength, maxLength: maxLength) != negative {
                        pending.append(pc + 1)
                    }
                case .scalar, .any, .set, .match:
                    list.append(pc)
                }
            }
        }

        private mutating func look(_ sub: Int, behind: Bool, at position: Int, minLength: Int, maxLength: Int) -> Bool {
            if let known = looks[sub]?[position] { return known }
            var found = false
            if behind {
                // Only the starts the body's length allows (Java's lookbehind is bounded).
                let nearest = position - minLength
                let farthest = maxLength == Int.max ? 0 : Swift.max(0, position - maxLength)
                if nearest >= farthest {
                    for start in stride(from: nearest, through: farthest, by: -1) where run(sub, from: start, mode: .endingAt(position)) {
                        found = true
                        break
                    }
                }
            } else {
                found = run(sub, from: position, mode: .anyPrefix)
            }
            looks[sub, default: [:]][position] = found
            return found
        }
    }
}
