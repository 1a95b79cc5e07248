/// Turns a request's wire tree (JSON, CBOR or an awsQuery form, all read into `JSONValue`)
/// into the typed input the generated code describes, enforcing the service model on the way
/// as AWS's request layer does: a value of the wrong type is a `SerializationException` (the
/// first one found), and every broken constraint (null required members, lengths, ranges,
/// patterns, enums) is collected and answered in one `ValidationException`.
///
/// Every number is checked here: integers must fit the Java type AWS reads them into, doubles
/// must be finite, timestamps within the years 0001–9999. So an action never converts a client
/// value itself and cannot trap on one.
public struct ShapeDecoder {
    /// How the tree was produced: JSON and CBOR carry typed values, an awsQuery form only text
    /// (lists as `member.N`, maps as `entry.N.key/value`).
    public enum Style: Sendable { case json, cbor, query }

    /// How a value that cannot be represented is answered (a non-finite double, a timestamp
    /// outside 0001–9999): Coral's JSON services answer `SerializationException`, CloudWatch
    /// `InvalidParameterValue` naming the parameter as its query API spells it.
    public enum UnrepresentableValues: Sendable { case serializationException, invalidParameterValue }

    public let style: Style
    public let unrepresentable: UnrepresentableValues
    /// Constraint violations found so far, in AWS's wording and order.
    public private(set) var violations: [String] = []
    private var path: [Component] = []

    enum Component {
        case member(String)
        case index(Int)
        case key(String)
    }

    public init(style: Style, unrepresentable: UnrepresentableValues = .serializationException) {
        self.style = style
        self.unrepresentable = unrepresentable
        path.reserveCapacity(8)
    }

    /// Throws the collected violations, if any.
    public func finish() throws(AWSError) {
        if !violations.isEmpty { throw ValidationMessage.error(violations) }
    }

    /// Adds a violation found by a rule the model cannot express.
    public mutating func record(_ violation: String) { violations.append(violation) }

    // MARK: Where we are

    public mutating func enter(_ member: String) { path.append(.member(member)) }
    public mutating func enterIndex(_ index: Int) { path.append(.index(index)) }
    public mutating func enterKey(_ key: String) { path.append(.key(key)) }
    public mutating func leave() { _ = path.popLast() }

    /// The member's path as AWS's validation messages write it: `records.2.member.data`.
    public func memberPath(_ leaf: String?) -> String {
        var parts: [String] = []
        for component in path {
            switch component {
            case .member(let name): parts.append(Self.lowerFirst(name))
            case .index(let i): parts.append("\(i + 1).member")
            case .key(let k): parts.append(k)
            }
        }
        if let leaf { parts.append(Self.lowerFirst(leaf)) }
        return parts.joined(separator: ".")
    }

    /// The parameter as the awsQuery API names it: `MetricData.member.2.Value`.
    public func parameterName(_ leaf: String?) -> String {
        var parts: [String] = []
        for component in path {
            switch component {
            case .member(let name): parts.append(name)
            case .index(let i): parts.append("member.\(i + 1)")
            case .key(let k): parts.append(k)
            }
        }
        if let leaf { parts.append(leaf) }
        return parts.joined(separator: ".")
    }

    static func lowerFirst(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }

    // MARK: Structures

    public mutating func structure(_ value: JSONValue) throws(AWSError) -> JSONObject {
        switch value {
        case .object(let o): return o
        case .string("") where style == .query: return JSONObject()
        case .array: throw AWSError.serialization("Start of list found where not expected")
        default: throw AWSError.serialization("Expected null")
        }
    }

    /// A required member that is absent or null.
    public mutating func missing(_ leaf: String) {
        violations.append(ValidationMessage.notNull(at: memberPath(leaf)))
    }

    // MARK: Strings and enums

    /// Patterns run only on values within the model's length (or this, when it has none): the
    /// length check comes first, so an oversized value never reaches the pattern matcher.
    public static let patternInputLimit = 8192

    public mutating func string(_ value: JSONValue, _ leaf: String?, min: Int? = nil, max: Int? = nil,
                                pattern: Pattern? = nil) throws(AWSError) -> String {
        guard case .string(let s) = value else { throw typeError(value, .string) }
        checkString(s, value, leaf, min: min, max: max, pattern: pattern)
        return s
    }

    public mutating func enumeration<E: ShapeEnum>(_ value: JSONValue, _ leaf: String?, _ type: E.Type,
                                                   min: Int? = nil, max: Int? = nil) throws(AWSError) -> E {
        guard case .string(let s) = value else { throw typeError(value, .string) }
        checkString(s, value, leaf, min: min, max: max, pattern: nil)
        if let e = E(rawValue: s) { return e }
        violations.append(ValidationMessage.enumeration(E.allCases.map(\.rawValue), value: ValidationMessage.render(value),
                                                        at: memberPath(leaf)))
        return E.placeholder
    }

    private mutating func checkString(_ s: String, _ value: JSONValue, _ leaf: String?, min: Int?, max: Int?, pattern: Pattern?) {
        // Java counts UTF-16 code units.
        let length = s.utf16.count
        if let pattern, length <= (max ?? Self.patternInputLimit), !pattern.matches(s) {
            violations.append(ValidationMessage.pattern(pattern.source, value: ValidationMessage.render(value), at: memberPath(leaf)))
        }
        checkLength(length, value, leaf, min: min, max: max)
    }

    private mutating func checkLength(_ length: Int, _ value: JSONValue, _ leaf: String?, min: Int?, max: Int?,
                                      rendered: String? = nil) {
        if let min, length < min {
            violations.append(ValidationMessage.lengthAtLeast(min, value: rendered ?? ValidationMessage.render(value), at: memberPath(leaf)))
        }
        if let max, length > max {
            violations.append(ValidationMessage.lengthAtMost(max, value: rendered ?? ValidationMessage.render(value), at: memberPath(leaf)))
        }
    }

    // MARK: Numbers

    /// An `integer` member: read as AWS's Java deserializer reads it, the integer part wrapped
    /// into 32 bits (`Number.intValue()`: 1e400 is 0, 2^32 + 1 is 1), then held against the model.
    public mutating func int32(_ value: JSONValue, _ leaf: String?, min: Int? = nil, max: Int? = nil) throws(AWSError) -> Int {
        let n = Int(Self.javaInt(try number(value, .integer)))
        checkRange(Double(n), .quoted(String(n)), leaf, min: min.map(Double.init), max: max.map(Double.init))
        return n
    }

    /// A `long` member: the integer part wrapped into 64 bits (`Number.longValue()`).
    public mutating func int64(_ value: JSONValue, _ leaf: String?, min: Int64? = nil, max: Int64? = nil) throws(AWSError) -> Int64 {
        let n = Self.javaLong(try number(value, .long))
        checkRange(Double(n), .quoted(String(n)), leaf, min: min.map(Double.init), max: max.map(Double.init))
        return n
    }

    /// Java's `intValue()` of a number: exact, because a double's remainder is.
    static func javaInt(_ d: Double) -> Int32 {
        guard d.isFinite else { return 0 }
        return Int32(truncatingIfNeeded: Int64(d.rounded(.towardZero).truncatingRemainder(dividingBy: 0x1p32)))
    }

    static func javaLong(_ d: Double) -> Int64 {
        guard d.isFinite else { return 0 }
        let r = d.rounded(.towardZero).truncatingRemainder(dividingBy: 0x1p64)
        if r >= 0x1p63 { return Int64(r - 0x1p64) }
        if r < -0x1p63 { return Int64(r + 0x1p64) }
        return Int64(r)
    }

    /// A number member's value (awsQuery sends it as text).
    private func number(_ value: JSONValue, _ expected: Expected) throws(AWSError) -> Double {
        switch value {
        case .number(let n, _): return n
        case .string(let text) where style == .query:
            if let exact = Int64(text) { return Double(exact) }
            guard let parsed = Double(text) else { throw AWSError.serialization("class java.lang.String can not be converted to \(expected.article)") }
            return parsed
        default: throw typeError(value, expected)
        }
    }

    enum Rendered {
        case sent(JSONValue)
        case quoted(String)

        var text: String {
            switch self {
            case .sent(let v): ValidationMessage.render(v)
            case .quoted(let s): ValidationMessage.quoted(s)
            }
        }
    }

    private mutating func checkRange(_ d: Double, _ rendered: Rendered, _ leaf: String?, min: Double?, max: Double?) {
        if let min, d < min {
            violations.append(ValidationMessage.valueAtLeast(min, value: rendered.text, at: memberPath(leaf)))
        }
        if let max, d > max {
            violations.append(ValidationMessage.valueAtMost(max, value: rendered.text, at: memberPath(leaf)))
        }
    }

    /// A `double` or `float` member; never NaN or infinite.
    public mutating func double(_ value: JSONValue, _ leaf: String?, min: Double? = nil, max: Double? = nil) throws(AWSError) -> Double {
        let d: Double
        switch value {
        case .number(let n, _): d = n
        // Smithy's JSON and CBOR protocols spell the special values as strings.
        case .string("NaN") where style != .query: d = .nan
        case .string("Infinity") where style != .query: d = .infinity
        case .string("-Infinity") where style != .query: d = -.infinity
        case .string(let text) where style == .query:
            guard let parsed = Double(text) else { throw AWSError.serialization("class java.lang.String can not be converted to an Double") }
            d = parsed
        default: throw typeError(value, .double)
        }
        guard d.isFinite else { throw unrepresentable(ValidationMessage.number(d), leaf, .double) }
        checkRange(d, .sent(value), leaf, min: min, max: max)
        return d
    }

    // MARK: Other scalars

    public mutating func bool(_ value: JSONValue, _ leaf: String?) throws(AWSError) -> Bool {
        switch value {
        case .bool(let b): return b
        case .string("true") where style == .query: return true
        case .string("false") where style == .query: return false
        default: throw typeError(value, .boolean)
        }
    }

    /// A blob: base64 text in JSON and forms (byte strings arrive from CBOR as base64 too).
    public mutating func blob(_ value: JSONValue, _ leaf: String?, min: Int? = nil, max: Int? = nil) throws(AWSError) -> [UInt8] {
        guard case .string(let s) = value else { throw typeError(value, .blob) }
        let bytes: [UInt8]
        do {
            bytes = try Base64.decode(s)
        } catch {
            throw Self.base64Error(s)
        }
        if min != nil || max != nil {
            checkLength(bytes.count, value, leaf, min: min, max: max, rendered: ValidationMessage.blob(length: bytes.count))
        }
        return bytes
    }

    /// The Java deserializer's wording for the first defect of a string that is not base64.
    static func base64Error(_ s: String) -> AWSError {
        let reason: String
        switch Result(catching: { () throws(Base64.DecodeError) in try Base64.validatedLength(s) }) {
        case .failure(.length(let n)): reason = "Base64 encoded length is expected a multiple of 4 bytes but found: \(n)"
        case .failure(.character(let c)): reason = "Invalid Base64 character: '\(Character(Unicode.Scalar(c)))'"
        case .failure(.trailingBits), .success: reason = "Invalid last non-pad Base64 character dectected"
        }
        return AWSError.serialization("'\(s)' can not be converted to a Blob: \(reason)")
    }

    /// A timestamp: epoch seconds (a number, or digits as text), ISO 8601 in forms.
    public mutating func timestamp(_ value: JSONValue, _ leaf: String?) throws(AWSError) -> Timestamp {
        let seconds: Double
        switch value {
        case .number(let d, _): seconds = d
        case .string(let text) where style == .query:
            if let d = Double(text) {
                seconds = d
            } else if let millis = AWSDate.parseISO8601Millis(text), let t = Timestamp(checkedMillis: millis) {
                return t
            } else {
                throw unrepresentable(text, leaf, .timestamp)
            }
        case .string(let text) where text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }):
            guard let d = Double(text) else { throw typeError(value, .timestamp) }
            seconds = d
        default: throw typeError(value, .timestamp)
        }
        guard let t = Timestamp(checkedSeconds: seconds) else {
            throw unrepresentable(ValidationMessage.number(seconds), leaf, .timestamp)
        }
        return t
    }

    private func unrepresentable(_ text: String, _ leaf: String?, _ expected: Expected) -> AWSError {
        switch unrepresentable {
        case .invalidParameterValue:
            return AWSError(code: "InvalidParameterValue", message: "The value \(text) for parameter \(parameterName(leaf)) is invalid.")
        case .serializationException:
            if expected == .timestamp {
                return AWSError.serialization("\(text) can not be converted to a Date: it is not an instant between the years 0001 and 9999")
            }
            return AWSError.serialization("\(text) can not be converted to \(expected.article)")
        }
    }

    // MARK: Lists and maps

    /// The elements of a list, after its length check; null elements are skipped by the caller.
    public mutating func list(_ value: JSONValue, _ leaf: String?, min: Int? = nil, max: Int? = nil) throws(AWSError) -> [JSONValue] {
        let items: [JSONValue]
        switch (value, style) {
        case (.array(let a), _): items = a
        case (.string(""), .query): items = []
        case (.object(let o), .query): items = Self.numbered(o["member"]?.object)
        default: throw typeError(value, .list)
        }
        if min != nil || max != nil { checkLength(items.count, value, leaf, min: min, max: max) }
        return items
    }

    /// The entries of a map, in the order sent, after its size check.
    public mutating func map(_ value: JSONValue, _ leaf: String?, min: Int? = nil, max: Int? = nil) throws(AWSError) -> [(key: String, value: JSONValue)] {
        var entries: [(key: String, value: JSONValue)]
        switch (value, style) {
        case (.object(let o), .query):
            entries = []
            for entry in Self.numbered(o["entry"]?.object) {
                guard case .string(let key)? = entry.object?["key"] else { continue }
                entries.append((key, entry.object?["value"] ?? .null))
            }
        case (.object(let o), _): entries = o.members
        case (.string(""), .query): entries = []
        case (.array, _): throw AWSError.serialization("Start of list found where not expected")
        default: throw AWSError.serialization("Expected map or null")
        }
        if min != nil || max != nil { checkLength(entries.count, value, leaf, min: min, max: max) }
        return entries
    }

    /// `member.1`, `member.2`, … of a form: the run of consecutive indexes from 1.
    static func numbered(_ object: JSONObject?) -> [JSONValue] {
        guard let object else { return [] }
        var byIndex: [Int: JSONValue] = [:]
        for (key, value) in object.members {
            if let i = Int(key), i >= 1, i <= object.members.count { byIndex[i] = value }
        }
        var items: [JSONValue] = []
        var i = 1
        while let v = byIndex[i] {
            items.append(v)
            i += 1
        }
        return items
    }

    // MARK: Type errors

    enum Expected {
        case string, integer, long, boolean, blob, timestamp, double, list

        var article: String {
            switch self {
            case .string: "an String"
            case .integer: "an Integer"
            case .long: "an Long"
            case .boolean: "an Boolean"
            case .blob: "a Blob"
            case .timestamp: "a Date"
            case .double: "an Double"
            case .list: "a List"
            }
        }
    }

    /// The Java deserializer's wording for a value of the wrong type.
    func typeError(_ value: JSONValue, _ expected: Expected) -> AWSError {
        if expected == .list {
            switch value {
            case .object: return .serialization("Start of structure or map found where not expected.")
            default: return .serialization("Expected list or null")
            }
        }
        switch value {
        case .array: return .serialization("Start of list found where not expected")
        case .object: return .serialization("Start of structure or map found where not expected.")
        case .bool: return .serialization("class java.lang.Boolean can not be converted to \(expected.article)")
        case .number: return .serialization("class java.math.BigDecimal can not be converted to \(expected.article)")
        case .string(let s):
            if expected == .boolean { return .serialization("'\(s.uppercased())' can not be converted to an Boolean") }
            return .serialization("class java.lang.String can not be converted to \(expected.article)")
        case .null: return .serialization("Unexpected null")
        }
    }
}
