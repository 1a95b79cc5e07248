import EddyWire

typealias AttributeValue = DynamoDBAPI.AttributeValue
/// An item: attribute names and their values, in the order the client sent them.
typealias Item = ShapeMap<AttributeValue>

/// DynamoDB's rules for attribute values: exactly one type per value, numbers within DynamoDB's
/// precision and range, sets non-empty and without duplicates, at most 32 levels of nesting.
enum AttributeValues {
    static let maxNesting = 32
    static let maxItemBytes = 400 * 1024

    /// The value checked, with its numbers written as DynamoDB writes them back.
    static func checked(_ value: AttributeValue, depth: Int = 1) throws(DynamoDBError) -> AttributeValue {
        guard depth <= maxNesting else { throw .validation("Nesting Levels have exceeded supported limits") }
        var types = 0
        if value.s != nil { types += 1 }
        if value.n != nil { types += 1 }
        if value.b != nil { types += 1 }
        if value.ss != nil { types += 1 }
        if value.ns != nil { types += 1 }
        if value.bs != nil { types += 1 }
        if value.m != nil { types += 1 }
        if value.l != nil { types += 1 }
        if value.null != nil { types += 1 }
        if value.bool != nil { types += 1 }
        guard types != 0 else {
            throw .validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        }
        guard types == 1 else {
            throw .validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
        }
        if let n = value.n { return AttributeValue(n: try number(n).text) }
        if value.null == false { throw .invalid("Null attribute value types must have the value of true") }
        if let ss = value.ss {
            guard !ss.isEmpty else { throw .invalid("An string set  may not be empty") }
            guard Set(ss).count == ss.count else { throw .invalid("Input collection \(list(ss)) contains duplicates.") }
        }
        if let bs = value.bs {
            guard !bs.isEmpty else { throw .invalid("Binary sets should not be empty") }
            guard Set(bs).count == bs.count else { throw .invalid("Input collection contains duplicates.") }
        }
        if let ns = value.ns {
            guard !ns.isEmpty else { throw .invalid("An number set  may not be empty") }
            var numbers: [DynamoNumber] = []
            numbers.reserveCapacity(ns.count)
            for n in ns { numbers.append(try number(n)) }
            guard Set(numbers).count == numbers.count else { throw .invalid("Input collection \(list(ns)) contains duplicates.") }
            return AttributeValue(ns: numbers.map(\.text))
        }
        if let l = value.l {
            var out: [AttributeValue] = []
            out.reserveCapacity(l.count)
            for element in l { out.append(try checked(element, depth: depth + 1)) }
            return AttributeValue(l: out)
        }
        if let m = value.m { return AttributeValue(m: try checked(m, depth: depth + 1)) }
        return value
    }

    /// Every value of an item (or of a map value) checked.
    static func checked(_ item: Item, depth: Int = 1) throws(DynamoDBError) -> Item {
        var out: [(key: String, value: AttributeValue)] = []
        out.reserveCapacity(item.count)
        for (name, value) in item.entries { out.append((name, try checked(value, depth: depth))) }
        return Item(out)
    }

    static func number(_ text: String) throws(DynamoDBError) -> DynamoNumber {
        do {
            return try DynamoNumber(parsing: text)
        } catch {
            throw numberError(error, text: text)
        }
    }

    /// DynamoDB's message for a number it cannot store (`text`: what the client wrote, if any).
    static func numberError(_ failure: DynamoNumber.Failure, text: String? = nil) -> DynamoDBError {
        switch failure {
        case .notANumber: .validation("The parameter cannot be converted to a numeric value" + (text.map { ": \($0.prefix(64))" } ?? ""))
        case .tooManyDigits: .validation("Attempting to store more than 38 significant digits in a Number")
        case .overflow: .validation("Number overflow. Attempting to store a number with magnitude larger than supported range")
        case .underflow: .validation("Number underflow. Attempting to store a number with magnitude smaller than supported range")
        }
    }

    static func list(_ values: [String]) -> String {
        "[" + values.prefix(10).joined(separator: ", ") + (values.count > 10 ? ", …" : "") + "]"
    }

    /// The item's size as DynamoDB counts it against the 400 KB limit and for capacity units:
    /// each attribute name's UTF-8 bytes plus its value's.
    static func size(of item: Item) -> Int {
        item.entries.reduce(0) { $0 + $1.key.utf8.count + size(of: $1.value) }
    }

    static func size(of value: AttributeValue) -> Int {
        if let s = value.s { return s.utf8.count }
        if let n = value.n { return numberSize(n) }
        if let b = value.b { return b.count }
        if let ss = value.ss { return ss.reduce(0) { $0 + $1.utf8.count } }
        if let ns = value.ns { return ns.reduce(0) { $0 + numberSize($1) } }
        if let bs = value.bs { return bs.reduce(0) { $0 + $1.count } }
        // A list or map costs 3 bytes, and one more per element.
        if let l = value.l { return 3 + l.reduce(0) { $0 + 1 + size(of: $1) } }
        if let m = value.m { return 3 + m.entries.reduce(0) { $0 + 1 + $1.key.utf8.count + size(of: $1.value) } }
        return 1  // NULL, BOOL
    }

    static func numberSize(_ text: String) -> Int {
        (try? DynamoNumber(parsing: text))?.storedSize ?? text.utf8.count
    }

    /// The one-letter type name DynamoDB's messages use.
    static func typeName(_ value: AttributeValue) -> String {
        if value.s != nil { return "S" }
        if value.n != nil { return "N" }
        if value.b != nil { return "B" }
        if value.ss != nil { return "SS" }
        if value.ns != nil { return "NS" }
        if value.bs != nil { return "BS" }
        if value.m != nil { return "M" }
        if value.l != nil { return "L" }
        if value.null != nil { return "NULL" }
        return "BOOL"
    }
}
