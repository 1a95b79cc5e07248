/// A composite alarm's rule: `ALARM(name)`, `OK(name)`, `INSUFFICIENT_DATA(name)`, `TRUE`,
/// `FALSE`, combined with `AND`, `OR`, `NOT` and parentheses (NOT binds tightest, then AND, then
/// OR). An alarm is named by name or ARN, bare or in double quotes.
indirect enum AlarmRule: Equatable, Sendable {
    case state(CloudWatchAPI.StateValue, String)
    case constant(Bool)
    case not(AlarmRule)
    case and(AlarmRule, AlarmRule)
    case or(AlarmRule, AlarmRule)

    /// Parentheses nest at most this deep: a rule is at most 10,240 characters, and the parser
    /// recurses once per level.
    static let maxDepth = 64

    struct ParseError: Error, Equatable {
        var message: String
    }

    /// The alarms the rule names, in the order they appear.
    var alarms: [String] {
        switch self {
        case .state(_, let name): [name]
        case .constant: []
        case .not(let r): r.alarms
        case .and(let a, let b), .or(let a, let b): a.alarms + b.alarms
        }
    }

    func evaluate(_ state: (String) -> CloudWatchAPI.StateValue?) -> Bool {
        switch self {
        case .state(let wanted, let name): state(name) == wanted
        case .constant(let value): value
        case .not(let r): !r.evaluate(state)
        case .and(let a, let b): a.evaluate(state) && b.evaluate(state)
        case .or(let a, let b): a.evaluate(state) || b.evaluate(state)
        }
    }

    static func parse(_ text: String) throws(ParseError) -> AlarmRule {
        var parser = Parser(bytes: Array(text.utf8))
        let rule = try parser.expression(depth: 0)
        parser.skipSpaces()
        guard parser.index == parser.bytes.count else { throw parser.failure("Unexpected text") }
        return rule
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        }

        func failure(_ what: String) -> ParseError {
            ParseError(message: "Error in alarm rule: \(what) at position \(index + 1).")
        }

        /// The next word (letters and underscores), without consuming it.
        func peekWord() -> String {
            var end = index
            while end < bytes.count, (bytes[end] >= 0x41 && bytes[end] <= 0x5A) || (bytes[end] >= 0x61 && bytes[end] <= 0x7A) || bytes[end] == 0x5F {
                end += 1
            }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }

        mutating func expression(depth: Int) throws(ParseError) -> AlarmRule {
            guard depth < AlarmRule.maxDepth else { throw failure("Too many nested parentheses or NOTs") }
            var left = try conjunction(depth: depth)
            while true {
                skipSpaces()
                guard peekWord() == "OR" else { return left }
                index += 2
                left = .or(left, try conjunction(depth: depth))
            }
        }

        mutating func conjunction(depth: Int) throws(ParseError) -> AlarmRule {
            var left = try factor(depth: depth)
            while true {
                skipSpaces()
                guard peekWord() == "AND" else { return left }
                index += 3
                left = .and(left, try factor(depth: depth))
            }
        }

        mutating func factor(depth: Int) throws(ParseError) -> AlarmRule {
            guard depth < AlarmRule.maxDepth else { throw failure("Too many nested parentheses or NOTs") }
            skipSpaces()
            guard index < bytes.count else { throw failure("Expected an expression") }
            if bytes[index] == UInt8(ascii: "(") {
                index += 1
                let inner = try expression(depth: depth + 1)
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else { throw failure("Expected )") }
                index += 1
                return inner
            }
            let word = peekWord()
            switch word {
            case "NOT":
                index += 3
                // NOT NOT NOT … nests too: each one counts as a level.
                return .not(try factor(depth: depth + 1))
            case "TRUE": index += 4; return .constant(true)
            case "FALSE": index += 5; return .constant(false)
            case "ALARM", "OK", "INSUFFICIENT_DATA":
                index += word.utf8.count
                let name = try alarmName()
                return .state(CloudWatchAPI.StateValue(rawValue: word) ?? .ALARM, name)
            default:
                throw failure(word.isEmpty ? "Expected an expression" : "Unknown function \(word)")
            }
        }

        mutating func alarmName() throws(ParseError) -> String {
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "(") else { throw failure("Expected (") }
            index += 1
            skipSpaces()
            var name: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { name.append(bytes[index]); index += 1 }
                guard index < bytes.count else { throw failure("Unterminated quoted alarm name") }
                index += 1
            } else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ")"), bytes[index] != 0x20 { name.append(bytes[index]); index += 1 }
            }
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else { throw failure("Expected )") }
            index += 1
            guard !name.isEmpty else { throw failure("Expected an alarm name") }
            return String(decoding: name, as: UTF8.self)
        }
    }
}
