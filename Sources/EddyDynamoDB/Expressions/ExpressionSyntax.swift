/// The pieces of DynamoDB's expression language (condition, update, projection and key
/// condition expressions), as parsed: paths into an item, operands, conditions and updates.

/// A document path: `a.b[2].c`, with `#names` already replaced by what they stand for.
struct DocumentPath: Sendable, Hashable, CustomStringConvertible {
    enum Element: Sendable, Hashable {
        case name(String)
        case index(Int)
    }
    var elements: [Element]

    var description: String {
        elements.enumerated().map { i, e in
            switch e {
            case .name(let n): return i == 0 ? n : "." + n
            case .index(let k): return "[\(k)]"
            }
        }.joined()
    }

    /// `[a, b, [2]]`, as DynamoDB's messages print paths.
    var listed: String {
        "[" + elements.map { e in
            switch e {
            case .name(let n): return n
            case .index(let k): return "[\(k)]"
            }
        }.joined(separator: ", ") + "]"
    }

    /// One path is a prefix of the other (they name the same or nested parts of an item).
    func overlaps(_ other: DocumentPath) -> Bool {
        let n = min(elements.count, other.elements.count)
        return Array(elements.prefix(n)) == Array(other.elements.prefix(n))
    }
}

/// A value in an expression.
indirect enum Operand: Sendable {
    case path(DocumentPath)
    case value(AttributeValue, name: String)
    case size(DocumentPath)
    /// Update expressions only.
    case ifNotExists(DocumentPath, Operand)
    case listAppend(Operand, Operand)
    case plus(Operand, Operand)
    case minus(Operand, Operand)
}

enum Comparison: String, Sendable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

indirect enum Condition: Sendable {
    case compare(Comparison, Operand, Operand)
    case between(Operand, Operand, Operand)
    case `in`(Operand, [Operand])
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)
    case attributeExists(DocumentPath)
    case attributeNotExists(DocumentPath)
    case attributeType(DocumentPath, Operand)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
}

/// The actions of an update expression, in the order written within each clause.
struct UpdateActions: Sendable {
    var assignments: [(DocumentPath, Operand)] = []
    var remove: [DocumentPath] = []
    var add: [(DocumentPath, Operand)] = []
    var delete: [(DocumentPath, Operand)] = []

    var paths: [DocumentPath] { assignments.map(\.0) + remove + add.map(\.0) + delete.map(\.0) }
}
