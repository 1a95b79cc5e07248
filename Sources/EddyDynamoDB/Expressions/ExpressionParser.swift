import EddyWire

/// A recursive-descent parser over tokens, with the nesting a client can write bounded.
struct ExpressionParser {
    static let maxBytes = 4096
    static let maxNesting = 64
    /// DynamoDB's limit on operators and functions in one expression; with the nesting limit it
    /// bounds the depth of what is parsed, and so of evaluating it.
    static let maxOperators = 300

    enum Token: Equatable {
        case word(String)       // identifiers, keywords and function names
        case name(String)       // #name
        case value(String)      // :value
        case number(String)     // a list index
        case symbol(String)
        case end

        var text: String {
            switch self {
            case .word(let s), .name(let s), .value(let s), .number(let s), .symbol(let s): return s
            case .end: return "<EOF>"
            }
        }
    }

    let kind: ExpressionKind
    var tokens: [Token] = []
    var position = 0
    var depth = 0
    var operators = 0

    init(_ text: String, kind: ExpressionKind) throws(DynamoDBError) {
        self.kind = kind
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.maxBytes else {
            throw .validation("Invalid \(kind.rawValue): Expression size has exceeded the maximum allowed size; expression size: \(bytes.count)")
        }
        tokens = try Self.lex(bytes, kind)
        guard tokens.count > 1 else { throw .validation("Invalid \(kind.rawValue): The expression can not be empty;") }
    }

    static func lex(_ bytes: [UInt8], _ kind: ExpressionKind) throws(DynamoDBError) -> [Token] {
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
        }
        var tokens: [Token] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            let start = i
            if c == UInt8(ascii: "#") || c == UInt8(ascii: ":") {
                i += 1
                while i < bytes.count, isWordByte(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard i > start + 1 else { throw syntax(kind, text, near: text) }
                tokens.append(c == UInt8(ascii: "#") ? .name(text) : .value(text))
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                while i < bytes.count, isWordByte(bytes[i]) { i += 1 }
                tokens.append(.number(String(decoding: bytes[start..<i], as: UTF8.self)))
            } else if isWordByte(c) {
                while i < bytes.count, isWordByte(bytes[i]) { i += 1 }
                tokens.append(.word(String(decoding: bytes[start..<i], as: UTF8.self)))
            } else if (c == UInt8(ascii: "<") || c == UInt8(ascii: ">")) && i + 1 < bytes.count
                        && (bytes[i + 1] == UInt8(ascii: "=") || (c == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: ">"))) {
                tokens.append(.symbol(String(decoding: bytes[i...(i + 1)], as: UTF8.self)))
                i += 2
            } else if "()[].,=<>+-".utf8.contains(c) {
                tokens.append(.symbol(String(UnicodeScalar(c))))
                i += 1
            } else {
                // One whole scalar, for the message.
                var end = i + 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                let text = String(decoding: bytes[i..<end], as: UTF8.self)
                throw .validation("Invalid \(kind.rawValue): Syntax error; token: \"\(text)\", near: \"\(text)\"")
            }
        }
        tokens.append(.end)
        return tokens
    }

    static func syntax(_ kind: ExpressionKind, _ token: String, near: String) -> DynamoDBError {
        .validation("Invalid \(kind.rawValue): Syntax error; token: \"\(token)\", near: \"\(near)\"")
    }

    // MARK: Tokens

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func fail() -> DynamoDBError {
        let previous = position > 0 ? tokens[position - 1].text + " " : ""
        let next = position + 1 < tokens.count && tokens[position + 1] != .end ? " " + tokens[position + 1].text : ""
        return Self.syntax(kind, current.text, near: previous + current.text + next)
    }

    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func expect(_ symbol: String) throws(DynamoDBError) {
        guard current == .symbol(symbol) else { throw fail() }
        _ = advance()
    }

    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = current { return w.uppercased() == keyword }
        return false
    }

    mutating func nest() throws(DynamoDBError) {
        depth += 1
        guard depth <= Self.maxNesting else {
            throw .validation("Invalid \(kind.rawValue): The expression is nested more than \(Self.maxNesting) levels deep")
        }
    }

    mutating func counted() throws(DynamoDBError) {
        operators += 1
        guard operators <= Self.maxOperators else {
            throw .validation("Invalid \(kind.rawValue): The expression contains too many operators; operator count: \(operators)")
        }
    }

    mutating func finish() throws(DynamoDBError) {
        guard current == .end else { throw fail() }
    }

    // MARK: Paths and operands

    mutating func path(_ context: inout ExpressionContext) throws(DynamoDBError) -> DocumentPath {
        var elements: [DocumentPath.Element] = [try pathName(&context)]
        while true {
            if current == .symbol(".") {
                _ = advance()
                elements.append(try pathName(&context))
            } else if current == .symbol("[") {
                _ = advance()
                guard case .number(let digits) = current, digits.utf8.count <= 9, let index = Int(digits) else { throw fail() }
                _ = advance()
                try expect("]")
                elements.append(.index(index))
            } else {
                return DocumentPath(elements: elements)
            }
        }
    }

    mutating func pathName(_ context: inout ExpressionContext) throws(DynamoDBError) -> DocumentPath.Element {
        switch current {
        case .word(let w):
            guard let first = w.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { throw fail() }
            guard !ReservedWords.contains(w) else {
                throw .validation("Invalid \(kind.rawValue): Attribute name is a reserved keyword; reserved keyword: \(w)")
            }
            _ = advance()
            return .name(w)
        case .name(let token):
            _ = advance()
            return .name(try context.name(token, kind))
        default:
            throw fail()
        }
    }

    /// A path, a `:value` or `size(path)`.
    mutating func operand(_ context: inout ExpressionContext) throws(DynamoDBError) -> Operand {
        if case .value(let token) = current {
            _ = advance()
            return .value(try context.value(token, kind), name: token)
        }
        if current == .word("size"), tokens[min(position + 1, tokens.count - 1)] == .symbol("(") {
            _ = advance()
            try expect("(")
            let p = try path(&context)
            try expect(")")
            return .size(p)
        }
        return .path(try path(&context))
    }

    // MARK: Conditions

    mutating func condition(_ context: inout ExpressionContext) throws(DynamoDBError) -> Condition {
        try nest()
        defer { depth -= 1 }
        var left = try conjunction(&context)
        while isKeyword("OR") {
            _ = advance()
            try counted()
            left = .or(left, try conjunction(&context))
        }
        return left
    }

    mutating func conjunction(_ context: inout ExpressionContext) throws(DynamoDBError) -> Condition {
        var left = try negation(&context)
        while isKeyword("AND") {
            _ = advance()
            try counted()
            left = .and(left, try negation(&context))
        }
        return left
    }

    mutating func negation(_ context: inout ExpressionContext) throws(DynamoDBError) -> Condition {
        if isKeyword("NOT") {
            _ = advance()
            try counted()
            try nest()
            defer { depth -= 1 }
            return .not(try negation(&context))
        }
        return try primary(&context)
    }

    static let functions: Set<String> = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"]

    mutating func primary(_ context: inout ExpressionContext) throws(DynamoDBError) -> Condition {
        if current == .symbol("(") {
            _ = advance()
            let inner = try condition(&context)
            try expect(")")
            return inner
        }
        if case .word(let name) = current, Self.functions.contains(name), tokens[min(position + 1, tokens.count - 1)] == .symbol("(") {
            _ = advance()
            try counted()
            try expect("(")
            let result: Condition
            switch name {
            case "attribute_exists": result = .attributeExists(try path(&context))
            case "attribute_not_exists": result = .attributeNotExists(try path(&context))
            case "attribute_type":
                let p = try path(&context)
                try expect(",")
                result = .attributeType(p, try operand(&context))
            case "begins_with":
                let a = try operand(&context)
                try expect(",")
                result = .beginsWith(a, try operand(&context))
            default:
                let a = try operand(&context)
                try expect(",")
                result = .contains(a, try operand(&context))
            }
            try expect(")")
            return result
        }
        let left = try operand(&context)
        if case .symbol(let s) = current, let comparison = Comparison(rawValue: s) {
            _ = advance()
            try counted()
            return .compare(comparison, left, try operand(&context))
        }
        if isKeyword("BETWEEN") {
            _ = advance()
            try counted()
            let low = try operand(&context)
            guard isKeyword("AND") else { throw fail() }
            _ = advance()
            return .between(left, low, try operand(&context))
        }
        if isKeyword("IN") {
            _ = advance()
            try counted()
            try expect("(")
            var list = [try operand(&context)]
            while current == .symbol(",") {
                _ = advance()
                list.append(try operand(&context))
            }
            try expect(")")
            guard list.count <= 100 else {
                throw .validation("Invalid \(kind.rawValue): The IN operator is provided with too many operands; number of operands: \(list.count)")
            }
            return .in(left, list)
        }
        throw fail()
    }

    // MARK: Updates

    mutating func update(_ context: inout ExpressionContext) throws(DynamoDBError) -> UpdateActions {
        var actions = UpdateActions()
        var seen = Set<String>()
        repeat {
            guard case .word(let word) = current else { throw fail() }
            let clause = word.uppercased()
            guard ["SET", "REMOVE", "ADD", "DELETE"].contains(clause) else { throw fail() }
            guard seen.insert(clause).inserted else {
                throw .validation("Invalid UpdateExpression: The \"\(clause)\" section can only be used once in an update expression;")
            }
            _ = advance()
            repeat {
                if current == .symbol(",") { _ = advance() }
                let p = try path(&context)
                switch clause {
                case "SET":
                    try expect("=")
                    actions.assignments.append((p, try setValue(&context)))
                case "REMOVE":
                    actions.remove.append(p)
                case "ADD":
                    actions.add.append((p, try operand(&context)))
                default:
                    actions.delete.append((p, try operand(&context)))
                }
            } while current == .symbol(",")
        } while current != .end
        return actions
    }

    /// `operand`, `operand + operand`, `operand - operand`, where an operand may be a function.
    mutating func setValue(_ context: inout ExpressionContext) throws(DynamoDBError) -> Operand {
        let left = try setTerm(&context)
        if current == .symbol("+") {
            _ = advance()
            try counted()
            return .plus(left, try setTerm(&context))
        }
        if current == .symbol("-") {
            _ = advance()
            try counted()
            return .minus(left, try setTerm(&context))
        }
        return left
    }

    mutating func setTerm(_ context: inout ExpressionContext) throws(DynamoDBError) -> Operand {
        try nest()
        defer { depth -= 1 }
        if case .word(let name) = current, name == "if_not_exists" || name == "list_append",
           tokens[min(position + 1, tokens.count - 1)] == .symbol("(") {
            _ = advance()
            try counted()
            try expect("(")
            let result: Operand
            if name == "if_not_exists" {
                let p = try path(&context)
                try expect(",")
                result = .ifNotExists(p, try setValue(&context))
            } else {
                let a = try setValue(&context)
                try expect(",")
                result = .listAppend(a, try setValue(&context))
            }
            try expect(")")
            return result
        }
        return try operand(&context)
    }

    // MARK: Projections

    mutating func projection(_ context: inout ExpressionContext) throws(DynamoDBError) -> [DocumentPath] {
        var paths = [try path(&context)]
        while current == .symbol(",") {
            _ = advance()
            paths.append(try path(&context))
        }
        return paths
    }
}

extension ExpressionParser {
    static func condition(_ text: String, kind: ExpressionKind = .condition, _ context: inout ExpressionContext) throws(DynamoDBError) -> Condition {
        var parser = try ExpressionParser(text, kind: kind)
        let result = try parser.condition(&context)
        try parser.finish()
        return result
    }

    static func update(_ text: String, _ context: inout ExpressionContext) throws(DynamoDBError) -> UpdateActions {
        var parser = try ExpressionParser(text, kind: .update)
        let result = try parser.update(&context)
        try parser.finish()
        let paths = result.paths
        for i in paths.indices {
            for j in paths.indices where j > i && paths[i].overlaps(paths[j]) {
                throw .validation("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: \(paths[i].listed), path two: \(paths[j].listed)")
            }
        }
        return result
    }

    static func projection(_ text: String, _ context: inout ExpressionContext) throws(DynamoDBError) -> [DocumentPath] {
        var parser = try ExpressionParser(text, kind: .projection)
        let result = try parser.projection(&context)
        try parser.finish()
        return result
    }
}
