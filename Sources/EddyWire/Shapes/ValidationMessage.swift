/// AWS's wording for a broken constraint, in one place: the model-driven decoder and the
/// per-operation rules that the model cannot express both build their messages here.
///
/// `Value 'x' at 'records.2.member.data' failed to satisfy constraint: Member must …`
public enum ValidationMessage {
    public static func notNull(at path: String) -> String {
        "Value null at '\(path)' failed to satisfy constraint: Member must not be null"
    }

    public static func lengthAtLeast(_ minimum: Int, value: String, at path: String) -> String {
        failed(value, path, "Member must have length greater than or equal to \(minimum)")
    }

    public static func lengthAtMost(_ maximum: Int, value: String, at path: String) -> String {
        failed(value, path, "Member must have length less than or equal to \(maximum)")
    }

    public static func valueAtLeast(_ minimum: Double, value: String, at path: String) -> String {
        failed(value, path, "Member must have value greater than or equal to \(number(minimum))")
    }

    public static func valueAtMost(_ maximum: Double, value: String, at path: String) -> String {
        failed(value, path, "Member must have value less than or equal to \(number(maximum))")
    }

    public static func pattern(_ pattern: String, value: String, at path: String) -> String {
        failed(value, path, "Member must satisfy regular expression pattern: \(pattern)")
    }

    public static func enumeration(_ allowed: [String], value: String, at path: String) -> String {
        failed(value, path, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }

    /// `N validation error(s) detected: a; b`, at most `maxReported` of them, as AWS answers.
    public static let maxReported = 10

    public static func error(_ violations: [String]) -> AWSError {
        AWSError.validation(errors: Array(violations.prefix(maxReported)))
    }

    static func failed(_ rendered: String, _ path: String, _ constraint: String) -> String {
        "Value \(rendered) at '\(path)' failed to satisfy constraint: \(constraint)"
    }

    // MARK: How a Java service prints the offending value

    /// A blob is shown as the Java buffer that held it.
    public static func blob(length: Int) -> String { "'java.nio.HeapByteBuffer[pos=0 lim=\(length) cap=\(length)]'" }

    public static func quoted(_ text: String) -> String { "'\(text)'" }

    /// A value as it arrived on the wire.
    public static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s): return "'\(s)'"
        case .number(let d, _): return "'\(number(d))'"
        case .bool(let b): return "'\(b)'"
        case .array, .object: return "'\(plain(value, depth: 0))'"
        }
    }

    /// Lists print as `[a, b]` and maps as `{k=v}`, nested ones too; depth and size are capped
    /// so a hostile value cannot make the message itself unbounded.
    static func plain(_ value: JSONValue, depth: Int) -> String {
        switch value {
        case .string(let s): return s
        case .number(let d, _): return number(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array(let items):
            guard depth < 4 else { return "[...]" }
            let shown = items.prefix(100).map { plain($0, depth: depth + 1) }
            return "[" + shown.joined(separator: ", ") + (items.count > 100 ? ", ..." : "") + "]"
        case .object(let o):
            guard depth < 4 else { return "{...}" }
            let shown = o.members.prefix(100).map { "\($0.key)=\(plain($0.value, depth: depth + 1))" }
            return "{" + shown.joined(separator: ", ") + (o.members.count > 100 ? ", ..." : "") + "}"
        }
    }

    /// Java's rendering of a number in a message: integral values without a fraction.
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        return d == d.rounded() && d.magnitude < 1e18 ? String(Int64(d)) : String(d)
    }
}
