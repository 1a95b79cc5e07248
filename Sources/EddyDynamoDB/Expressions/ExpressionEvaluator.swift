import EddyWire

/// Conditions evaluated against an item (nil when there is none), as DynamoDB evaluates them:
/// a comparison with a missing attribute or between different types is false.
enum ExpressionEvaluator {
    static func value(at path: DocumentPath, in item: Item?) -> AttributeValue? {
        guard let item, case .name(let first)? = path.elements.first, var value = item[first] else { return nil }
        for element in path.elements.dropFirst() {
            switch element {
            case .name(let n):
                guard let next = value.m?[n] else { return nil }
                value = next
            case .index(let i):
                guard let list = value.l, list.indices.contains(i) else { return nil }
                value = list[i]
            }
        }
        return value
    }

    static func resolve(_ operand: Operand, in item: Item?) -> AttributeValue? {
        switch operand {
        case .path(let p): return value(at: p, in: item)
        case .value(let v, _): return v
        case .size(let p):
            guard let v = value(at: p, in: item) else { return nil }
            let count: Int
            if let s = v.s { count = s.utf8.count }
            else if let b = v.b { count = b.count }
            else if let ss = v.ss { count = ss.count }
            else if let ns = v.ns { count = ns.count }
            else if let bs = v.bs { count = bs.count }
            else if let l = v.l { count = l.count }
            else if let m = v.m { count = m.count }
            else { return nil }
            return AttributeValue(n: String(count))
        case .ifNotExists, .listAppend, .plus, .minus:
            return nil
        }
    }

    static func matches(_ condition: Condition, _ item: Item?) throws(DynamoDBError) -> Bool {
        switch condition {
        case .and(let a, let b):
            guard try matches(a, item) else { return false }
            return try matches(b, item)
        case .or(let a, let b):
            if try matches(a, item) { return true }
            return try matches(b, item)
        case .not(let a): return try !matches(a, item)
        case .attributeExists(let p): return value(at: p, in: item) != nil
        case .attributeNotExists(let p): return value(at: p, in: item) == nil
        case .attributeType(let p, let t):
            guard let name = resolve(t, in: item)?.s else { return false }
            guard ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"].contains(name) else {
                throw .validation("Invalid ConditionExpression: Invalid attribute type name found; type: \(name), valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
            }
            return value(at: p, in: item).map { AttributeValues.typeName($0) == name } ?? false
        case .beginsWith(let a, let b):
            guard let x = resolve(a, in: item), let y = resolve(b, in: item) else { return false }
            if let s = x.s, let prefix = y.s { return Array(s.utf8).starts(with: Array(prefix.utf8)) }
            if let s = x.b, let prefix = y.b { return s.starts(with: prefix) }
            return false
        case .contains(let a, let b):
            guard let x = resolve(a, in: item), let y = resolve(b, in: item) else { return false }
            if let s = x.s, let part = y.s { return part.isEmpty || Array(s.utf8).firstRange(of: Array(part.utf8)) != nil }
            if let s = x.b, let part = y.b { return part.isEmpty || s.firstRange(of: part) != nil }
            if let set = x.ss, let e = y.s { return set.contains(e) }
            if let set = x.ns, let e = y.n { return set.contains(e) }
            if let set = x.bs, let e = y.b { return set.contains(e) }
            if let list = x.l { return list.contains { same($0, y) } }
            return false
        case .compare(let op, let a, let b):
            let x = resolve(a, in: item), y = resolve(b, in: item)
            switch op {
            case .equal: return x.flatMap { x in y.map { same(x, $0) } } ?? false
            case .notEqual:
                guard let x, let y else { return x != nil || y != nil }
                return !same(x, y)
            default:
                guard let x, let y, let order = order(x, y) else { return false }
                switch op {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        case .between(let a, let low, let high):
            guard let x = resolve(a, in: item), let l = resolve(low, in: item), let h = resolve(high, in: item),
                  let lower = order(x, l), let upper = order(x, h) else { return false }
            return lower >= 0 && upper <= 0
        case .in(let a, let list):
            guard let x = resolve(a, in: item) else { return false }
            return list.contains { resolve($0, in: item).map { same(x, $0) } ?? false }
        }
    }

    /// -1, 0, 1 between two scalars of one type (numbers by value, strings and binary by
    /// bytes); nil when they cannot be ordered.
    static func order(_ a: AttributeValue, _ b: AttributeValue) -> Int? {
        if let x = a.n, let y = b.n, let p = try? DynamoNumber(parsing: x), let q = try? DynamoNumber(parsing: y) {
            return p < q ? -1 : (p == q ? 0 : 1)
        }
        if let x = a.s, let y = b.s { return compareBytes(Array(x.utf8), Array(y.utf8)) }
        if let x = a.b, let y = b.b { return compareBytes(x, y) }
        return nil
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
    }

    /// Equality as DynamoDB sees it: numbers by value, sets and maps regardless of order.
    static func same(_ a: AttributeValue, _ b: AttributeValue) -> Bool {
        if let x = a.n, let y = b.n { return order(a, b) == 0 || x == y }
        if let x = a.ss, let y = b.ss { return Set(x) == Set(y) }
        if let x = a.ns, let y = b.ns {
            let p = Set(x.compactMap { try? DynamoNumber(parsing: $0) }), q = Set(y.compactMap { try? DynamoNumber(parsing: $0) })
            return p == q
        }
        if let x = a.bs, let y = b.bs { return Set(x) == Set(y) }
        if let x = a.l, let y = b.l { return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) } }
        if let x = a.m, let y = b.m {
            return x.count == y.count && x.entries.allSatisfy { entry in y[entry.key].map { same(entry.value, $0) } ?? false }
        }
        return a == b
    }
}
