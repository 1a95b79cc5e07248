/// Writes JSON straight into a byte array. Responses are built member by member, so the hot
/// read path (GetRecords) never materialises an intermediate tree.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A member name known when the code was written (the generated encoders' keys): it needs
    /// no escaping, so it is copied as it is.
    public mutating func safeKey(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) { separate(); appendQuoted(value); needsComma = true }
    public mutating func bool(_ value: Bool) { separate(); appendASCII(value ? "true" : "false"); needsComma = true }
    public mutating func null() { separate(); appendASCII("null"); needsComma = true }

    public mutating func int(_ value: Int) {
        separate()
        appendASCII(String(value))
        needsComma = true
    }

    public mutating func int64(_ value: Int64) {
        separate()
        appendASCII(String(value))
        needsComma = true
    }

    /// A number; NaN and the infinities, which JSON cannot write as numbers, are the strings
    /// smithy's JSON protocols use for them.
    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            string(value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
            return
        }
        separate()
        // AWS's JSON services are Java: a double is written `10.0`, `1.0E-4`, never `10`.
        appendASCII(JavaDouble.text(value))
        needsComma = true
    }

    public mutating func timestamp(_ t: Timestamp) { timestamp(millis: t.millis) }

    /// Epoch seconds with millisecond precision, the awsJson timestamp form.
    public mutating func timestamp(millis: Int64) {
        separate()
        // Floor division, so instants before 1970 keep a positive fraction.
        let seconds = millis.floorDiv(1000), fraction = millis.floorMod(1000)
        appendASCII(String(seconds))
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            let digits = String(fraction)
            for _ in digits.count..<3 { bytes.append(UInt8(ascii: "0")) }
            appendASCII(digits)
        }
        needsComma = true
    }

    /// A blob as a base64 string.
    public mutating func base64(_ data: [UInt8]) {
        data.withUnsafeBytes { base64($0) }
    }

    /// A blob as a base64 string.
    public mutating func base64(_ data: UnsafeRawBufferPointer) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Base64.encode(data, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Already-serialised JSON (a stored document).
    public mutating func raw(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json); needsComma = true }

    public mutating func member(_ name: String, _ value: String?) {
        if let value { key(name); string(value) }
    }

    public mutating func member(_ name: String, _ value: Int?) {
        if let value { key(name); int(value) }
    }

    public mutating func member(_ name: String, _ value: Bool?) {
        if let value { key(name); bool(value) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendASCII(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings need no escaping: copy them in one go.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends bytes that are known to need no escaping inside a string (digits, base64).
    public mutating func stringOfSafeASCII(_ write: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        for c in utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(c)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(c)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hex[Int(c >> 4)], Self.hex[Int(c & 0xF)]])
            default: bytes.append(c)
            }
        }
    }
}

extension JSONWriter {
    /// Serialises a parsed value (used for stored documents and tests, not hot paths).
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let d, _): double(d)
        case .string(let s): string(s)
        case .array(let a):
            beginArray()
            for e in a { value(e) }
            endArray()
        case .object(let o):
            beginObject()
            for (k, e) in o.members { key(k); value(e) }
            endObject()
        }
    }
}

/// Builds a JSON object answer member by member.
public func json(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
    var w = JSONWriter()
    w.beginObject()
    build(&w)
    w.endObject()
    return w.bytes
}
