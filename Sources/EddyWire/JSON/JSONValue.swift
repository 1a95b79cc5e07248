/// A parsed JSON document. Numbers keep their value as `Double` and whether they were written
/// as integers, which is all the AWS JSON protocols need.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double, isInteger: Bool)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var double: Double? {
        if case .number(let d, _) = self { return d }
        return nil
    }

    /// Integral value, truncated toward zero as the AWS JSON deserializers do for Integer/Long members.
    public var int: Int? {
        guard case .number(let d, _) = self, d.isFinite, d.magnitude < 9.2e18 else { return nil }
        return Int(d.rounded(.towardZero))
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A JSON object that keeps member order (validation messages list members as sent).
/// Objects in AWS requests are small, so lookup is a linear scan.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        // The last occurrence wins, as in the AWS deserializers.
        for i in members.indices.reversed() where members[i].key == key {
            return members[i].value
        }
        return nil
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
