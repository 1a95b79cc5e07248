/// A condition on the sort key of a Query, over the key's stored bytes (which sort as DynamoDB
/// orders the values).
enum KeyRange: Sendable, Equatable {
    case equal([UInt8])
    case less([UInt8])
    case lessOrEqual([UInt8])
    case greater([UInt8])
    case greaterOrEqual([UInt8])
    case between([UInt8], [UInt8])
    case beginsWith([UInt8])

    func sql(_ column: String) -> (String, [[UInt8]]) {
        switch self {
        case .equal(let v): ("\(column) = ?", [v])
        case .less(let v): ("\(column) < ?", [v])
        case .lessOrEqual(let v): ("\(column) <= ?", [v])
        case .greater(let v): ("\(column) > ?", [v])
        case .greaterOrEqual(let v): ("\(column) >= ?", [v])
        case .between(let a, let b): ("\(column) BETWEEN ? AND ?", [a, b])
        // substr of a blob counts bytes.
        case .beginsWith(let p): ("substr(\(column), 1, \(p.count)) = ?", [p])
        }
    }
}
