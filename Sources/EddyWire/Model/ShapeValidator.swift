/// Checks a JSON request against its input shape the way AWS's request layer does: wrong JSON
/// types are a `SerializationException` (the first one found), then every constraint broken by
/// the values (null required members, lengths, ranges, patterns, enums) is listed in one
/// `ValidationException`, at most ten of them, with AWS's message format.
public struct ShapeValidator: Sendable {
    public let model: ServiceModel
    public static let maxReported = 10

    public init(model: ServiceModel) { self.model = model }

    public func validate(_ object: JSONObject, operation: String) throws(AWSError) {
        guard let input = model.operations[operation]?.input, let shape = model.shapes[input] else { return }
        var errors: [String] = []
        try checkStructure(object, shape, path: "", errors: &errors)
        if !errors.isEmpty { throw AWSError.validation(errors: Array(errors.prefix(Self.maxReported))) }
    }

    private func checkStructure(_ object: JSONObject, _ shape: ServiceModel.Shape, path: String,
                                errors: inout [String]) throws(AWSError) {
        for member in shape.members {
            let memberPath = path + lowerFirst(member.name)
            let value = object[member.name]
            guard let memberShape = model.shapes[member.shape] else { continue }
            if value == nil || value == .null {
                if shape.required.contains(member.name) {
                    errors.append("Value null at '\(memberPath)' failed to satisfy constraint: Member must not be null")
                }
                continue
            }
            try check(value!, memberShape, path: memberPath, errors: &errors)
        }
    }

    private func check(_ value: JSONValue, _ shape: ServiceModel.Shape, path: String, errors: inout [String]) throws(AWSError) {
        switch shape.type {
        case .structure:
            guard case .object(let o) = value else { throw typeError(value, expected: shape.type) }
            try checkStructure(o, shape, path: path + ".", errors: &errors)
        case .list:
            guard case .array(let items) = value else { throw typeError(value, expected: shape.type) }
            checkLength(Double(items.count), value, shape, path: path, errors: &errors)
            if let memberName = shape.member, let memberShape = model.shapes[memberName] {
                for (i, item) in items.enumerated() where item != .null {
                    try check(item, memberShape, path: "\(path).\(i + 1).member", errors: &errors)
                }
            }
        case .map:
            guard case .object(let o) = value else { throw typeError(value, expected: shape.type) }
            checkLength(Double(o.members.count), value, shape, path: path, errors: &errors)
            let keyShape = shape.key.flatMap { model.shapes[$0] }
            let valueShape = shape.value.flatMap { model.shapes[$0] }
            for (k, v) in o.members {
                if let keyShape { try check(.string(k), keyShape, path: "\(path).\(k).key", errors: &errors) }
                if let valueShape, v != .null { try check(v, valueShape, path: "\(path).\(k).member", errors: &errors) }
            }
        case .string:
            guard case .string(let s) = value else { throw typeError(value, expected: shape.type) }
            if let pattern = shape.pattern, !pattern.matches(s) {
                errors.append(message(value, path, "Member must satisfy regular expression pattern: \(pattern.source)"))
            }
            checkLength(Double(s.count), value, shape, path: path, errors: &errors)
            if let values = shape.enumValues, !values.contains(s) {
                errors.append(message(value, path, "Member must satisfy enum value set: [\(values.joined(separator: ", "))]"))
            }
        case .blob:
            guard case .string(let s) = value else { throw typeError(value, expected: shape.type) }
            let length = try blobLength(s)
            checkLength(Double(length), value, shape, path: path, errors: &errors)
        case .integer, .long, .float, .double, .bigdecimal:
            guard case .number(var d, _) = value else { throw typeError(value, expected: shape.type) }
            if shape.type == .integer || shape.type == .long { d = d.rounded(.towardZero) }
            if let min = shape.min, d < min {
                errors.append(message(value, path, "Member must have value greater than or equal to \(format(min))"))
            }
            if let max = shape.max, d > max {
                errors.append(message(value, path, "Member must have value less than or equal to \(format(max))"))
            }
        case .boolean:
            guard case .bool = value else { throw typeError(value, expected: shape.type) }
        case .timestamp:
            switch value {
            case .number: break
            case .string(let s) where s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }): break
            default: throw typeError(value, expected: shape.type)
            }
        }
    }

    private func checkLength(_ length: Double, _ value: JSONValue, _ shape: ServiceModel.Shape, path: String, errors: inout [String]) {
        if let min = shape.min, length < min {
            errors.append(message(value, path, "Member must have length greater than or equal to \(format(min))", shape))
        }
        if let max = shape.max, length > max {
            errors.append(message(value, path, "Member must have length less than or equal to \(format(max))", shape))
        }
    }

    /// Decoded length of a base64 blob, after checking it is base64 at all.
    private func blobLength(_ s: String) throws(AWSError) -> Int {
        switch Result(catching: { () throws(Base64.DecodeError) in try Base64.validatedLength(s) }) {
        case .success(let n): return n
        case .failure(.length(let n)):
            throw AWSError.serialization("'\(s)' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: \(n)")
        case .failure(.character(let c)):
            throw AWSError.serialization("'\(s)' can not be converted to a Blob: Invalid Base64 character: '\(Character(Unicode.Scalar(c)))'")
        case .failure(.trailingBits):
            throw AWSError.serialization("'\(s)' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")
        }
    }

    private func message(_ value: JSONValue, _ path: String, _ constraint: String, _ shape: ServiceModel.Shape? = nil) -> String {
        "Value \(render(value, shape)) at '\(path)' failed to satisfy constraint: \(constraint)"
    }

    /// How AWS (a Java service) prints a value in a validation message.
    private func render(_ value: JSONValue, _ shape: ServiceModel.Shape?) -> String {
        switch value {
        case .string(let s):
            if shape?.type == .blob, let n = try? blobLength(s) {
                return "'java.nio.HeapByteBuffer[pos=0 lim=\(n) cap=\(n)]'"
            }
            return "'\(s)'"
        case .number(let d, _): return "'\(format(d))'"
        case .array(let items): return "'[" + items.map { plain($0) }.joined(separator: ", ") + "]'"
        case .object(let o): return "'{" + o.members.map { "\($0.key)=\(plain($0.value))" }.joined(separator: ", ") + "}'"
        case .bool(let b): return "'\(b)'"
        case .null: return "null"
        }
    }

    private func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .number(let d, _): return format(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array, .object: return String(render(value, nil).dropFirst().dropLast())
        }
    }

    private func format(_ d: Double) -> String {
        d == d.rounded() && d.magnitude < 1e18 ? String(Int64(d)) : String(d)
    }

    private func lowerFirst(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }

    /// The Java deserializer's wording for a JSON value of the wrong type.
    private func typeError(_ value: JSONValue, expected: ServiceModel.ShapeType) -> AWSError {
        let target: String
        switch expected {
        case .string: target = "an String"
        case .integer: target = "an Integer"
        case .long: target = "an Long"
        case .boolean: target = "an Boolean"
        case .blob: target = "a Blob"
        case .timestamp: target = "a Date"
        case .float, .double, .bigdecimal: target = "an Double"
        case .list: return .serialization("Expected list or null")
        case .map: return .serialization("Expected map or null")
        case .structure:
            if case .array = value { return .serialization("Start of list found where not expected") }
            return .serialization("Expected null")
        }
        switch value {
        case .array: return .serialization("Start of list found where not expected")
        case .object: return .serialization("Start of structure or map found where not expected.")
        case .bool: return .serialization("class java.lang.Boolean can not be converted to \(target)")
        case .number: return .serialization("class java.math.BigDecimal can not be converted to \(target)")
        case .string(let s):
            if expected == .boolean { return .serialization("'\(s.uppercased())' can not be converted to an Boolean") }
            return .serialization("class java.lang.String can not be converted to \(target)")
        case .null: return .serialization("Unexpected null")
        }
    }
}
