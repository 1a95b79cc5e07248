/// A service's shapes as generated into `api-specs/` from the botocore model: types, members and
/// the constraints (min/max, pattern, enum, required) validation is driven by.
public struct ServiceModel: Sendable {
    public enum ShapeType: String, Sendable {
        case structure, list, map, string, integer, long, boolean, blob, timestamp, float, double, bigdecimal = "bigdecimal"
    }

    public struct Member: Sendable {
        public var name: String
        public var shape: String
    }

    /// Shapes are shared, never copied: validation walks them for every request.
    public final class Shape: Sendable {
        public let name: String
        public let type: ShapeType
        public let members: [Member]
        public let required: Set<String>
        public let min: Double?
        public let max: Double?
        public let pattern: Pattern?
        public let enumValues: [String]?
        /// List member, map key and value shapes.
        public let member: String?
        public let key: String?
        public let value: String?
        public let isException: Bool

        init(name: String, type: ShapeType, members: [Member], required: Set<String>, min: Double?, max: Double?,
             pattern: Pattern?, enumValues: [String]?, member: String?, key: String?, value: String?, isException: Bool) {
            self.name = name
            self.type = type
            self.members = members
            self.required = required
            self.min = min
            self.max = max
            self.pattern = pattern
            self.enumValues = enumValues
            self.member = member
            self.key = key
            self.value = value
            self.isException = isException
        }
    }

    public struct Operation: Sendable {
        public var name: String
        public var input: String?
        public var output: String?
        /// awsQuery wraps an answer's members in `<Operation>Result`.
        public var resultWrapper: String?
    }

    public var targetPrefix: String?
    public var shapes: [String: Shape]
    public var operations: [String: Operation]
    /// Patterns `Pattern` could not compile (so not enforced); tests keep this empty.
    public var unreadablePatterns: [String]

    public init(json: String) throws {
        let data = Array(json.utf8)
        guard case .object(let root) = try JSONParser.parse(data) else { throw ModelError("model is not an object") }
        targetPrefix = root["metadata"]?.object?["targetPrefix"]?.string
        var shapes: [String: Shape] = [:]
        var unreadablePatterns: [String] = []
        for (name, value) in root["shapes"]?.object?.members ?? [] {
            guard let s = value.object, let typeName = s["type"]?.string else { throw ModelError("shape \(name) has no type") }
            guard let type = ShapeType(rawValue: typeName) else { throw ModelError("shape \(name): unknown type \(typeName)") }
            var pattern: Pattern?
            if let p = s["pattern"]?.string {
                // A pattern this engine cannot read is not enforced rather than refusing the model.
                pattern = try? Pattern(p)
                if pattern == nil { unreadablePatterns.append(p) }
            }
            shapes[name] = Shape(
                name: name, type: type,
                members: (s["members"]?.object?.members ?? []).compactMap { m in
                    m.value.object?["shape"]?.string.map { Member(name: m.key, shape: $0) }
                },
                required: Set((s["required"]?.array ?? []).compactMap(\.string)),
                min: s["min"]?.double, max: s["max"]?.double, pattern: pattern,
                enumValues: s["enum"]?.array?.compactMap(\.string),
                member: s["member"]?.object?["shape"]?.string, key: s["key"]?.object?["shape"]?.string,
                value: s["value"]?.object?["shape"]?.string, isException: s["exception"]?.bool ?? false)
        }
        var operations: [String: Operation] = [:]
        for (name, value) in root["operations"]?.object?.members ?? [] {
            let o = value.object
            operations[name] = Operation(name: name, input: o?["input"]?.object?["shape"]?.string,
                                         output: o?["output"]?.object?["shape"]?.string,
                                         resultWrapper: o?["output"]?.object?["resultWrapper"]?.string)
        }
        self.shapes = shapes
        self.operations = operations
        self.unreadablePatterns = unreadablePatterns
    }

    public struct ModelError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
