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

    public struct Shape: Sendable {
        public var name: String
        public var type: ShapeType
        public var members: [Member] = []
        public var required: Set<String> = []
        public var min: Double?
        public var max: Double?
        public var pattern: Pattern?
        public var enumValues: [String]?
        /// List member, map key and value shapes.
        public var member: String?
        public var key: String?
        public var value: String?
        public var isException = false
    }

    public struct Operation: Sendable {
        public var name: String
        public var input: String?
        public var output: String?
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
            var shape = Shape(name: name, type: type)
            shape.members = (s["members"]?.object?.members ?? []).compactMap { m in
                m.value.object?["shape"]?.string.map { Member(name: m.key, shape: $0) }
            }
            shape.required = Set((s["required"]?.array ?? []).compactMap(\.string))
            shape.min = s["min"]?.double
            shape.max = s["max"]?.double
            if let p = s["pattern"]?.string {
                // A pattern this engine cannot read is not enforced rather than refusing the model.
                shape.pattern = try? Pattern(p)
                if shape.pattern == nil { unreadablePatterns.append(p) }
            }
            shape.enumValues = s["enum"]?.array?.compactMap(\.string)
            shape.member = s["member"]?.object?["shape"]?.string
            shape.key = s["key"]?.object?["shape"]?.string
            shape.value = s["value"]?.object?["shape"]?.string
            shape.isException = s["exception"]?.bool ?? false
            shapes[name] = shape
        }
        var operations: [String: Operation] = [:]
        for (name, value) in root["operations"]?.object?.members ?? [] {
            let o = value.object
            operations[name] = Operation(name: name, input: o?["input"]?.object?["shape"]?.string,
                                         output: o?["output"]?.object?["shape"]?.string)
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
