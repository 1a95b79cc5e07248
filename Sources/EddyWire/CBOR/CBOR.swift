/// CBOR (RFC 8949) for the `application/x-amz-cbor-1.1` protocol the AWS SDK for Java v2 speaks
/// to Kinesis. Requests are read into the same `JSONValue` tree the JSON protocol produces, so
/// validation and actions are shared: byte strings become base64 text (as blobs are in JSON)
/// and tag-1 timestamps become epoch seconds.
public enum CBOR {
    public struct DecodeError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> JSONValue {
        var reader = Reader(bytes: bytes)
        let value = try reader.item(depth: 0)
        guard reader.i == bytes.count else { throw DecodeError(description: "data after the CBOR item") }
        return value
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0
        static let maxDepth = 64

        func fail(_ what: String) -> DecodeError { DecodeError(description: "\(what) at byte \(i)") }

        mutating func byte() throws(DecodeError) -> UInt8 {
            guard i < bytes.count else { throw fail("unexpected end of CBOR") }
            defer { i += 1 }
            return bytes[i]
        }

        mutating func argument(_ info: UInt8) throws(DecodeError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return UInt64(try byte())
            case 25, 26, 27:
                let n = 1 << Int(info - 24)
                guard i + n <= bytes.count else { throw fail("unexpected end of CBOR") }
                var v: UInt64 = 0
                for k in 0..<n { v = v << 8 | UInt64(bytes[i + k]) }
                i += n
                return v
            default: throw fail("bad additional information \(info)")
            }
        }

        /// Length of a string or container, or nil for indefinite length.
        mutating func length(_ info: UInt8) throws(DecodeError) -> Int? {
            if info == 31 { return nil }
            let n = try argument(info)
            guard n <= UInt64(bytes.count - i) || n <= 1 << 20 else { throw fail("length \(n) beyond the input") }
            return Int(n)
        }

        mutating func bytesOf(_ major: UInt8, _ info: UInt8) throws(DecodeError) -> [UInt8] {
            if let n = try length(info) {
                guard i + n <= bytes.count else { throw fail("string beyond the input") }
                defer { i += n }
                return Array(bytes[i..<(i + n)])
            }
            var out: [UInt8] = []
            while true {
                let initial = try byte()
                if initial == 0xFF { return out }
                guard initial >> 5 == major, initial & 0x1F != 31 else { throw fail("bad chunk in an indefinite string") }
                out += try bytesOf(major, initial & 0x1F)
            }
        }

        mutating func item(depth: Int) throws(DecodeError) -> JSONValue {
            guard depth < Self.maxDepth else { throw fail("CBOR nested too deeply") }
            let initial = try byte()
            let major = initial >> 5, info = initial & 0x1F
            switch major {
            case 0:
                let v = try argument(info)
                return .number(Double(v), isInteger: true)
            case 1:
                let v = try argument(info)
                return .number(-1 - Double(v), isInteger: true)
            case 2:
                return .string(Base64.encode(try bytesOf(2, info)))
            case 3:
                guard let s = String(validating: try bytesOf(3, info), as: UTF8.self) else { throw fail("invalid UTF-8 in a text string") }
                return .string(s)
            case 4:
                var items: [JSONValue] = []
                if let n = try length(info) {
                    for _ in 0..<n { items.append(try item(depth: depth + 1)) }
                } else {
                    while true {
                        if i < bytes.count, bytes[i] == 0xFF { i += 1; break }
                        items.append(try item(depth: depth + 1))
                    }
                }
                return .array(items)
            case 5:
                var members: [(key: String, value: JSONValue)] = []
                func pair(_ r: inout Reader) throws(DecodeError) {
                    guard case .string(let key) = try r.item(depth: depth + 1) else { throw r.fail("map keys must be text") }
                    members.append((key, try r.item(depth: depth + 1)))
                }
                if let n = try length(info) {
                    for _ in 0..<n { try pair(&self) }
                } else {
                    while true {
                        if i < bytes.count, bytes[i] == 0xFF { i += 1; break }
                        try pair(&self)
                    }
                }
                return .object(JSONObject(members))
            case 6:
                let tag = try argument(info)
                let inner = try item(depth: depth + 1)
                if tag == 1, case .number(let v, _) = inner {
                    // The Java SDK puts epoch milliseconds in tag 1 (the standard says seconds).
                    return .number(v > 1e11 ? v / 1000 : v, isInteger: false)
                }
                return inner
            default:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22, 23: return .null
                case 25:
                    let bits = UInt16(try argument(25))
                    return .number(Double(Float16(bitPattern: bits)), isInteger: false)
                case 26:
                    return .number(Double(Float(bitPattern: UInt32(try argument(26)))), isInteger: false)
                case 27:
                    return .number(Double(bitPattern: try argument(27)), isInteger: false)
                default: throw fail("unsupported simple value \(info)")
                }
            }
        }
    }
}

/// Writes CBOR items (definite lengths).
public struct CBORWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// How answers carry timestamps. AWS's Kinesis CBOR protocol puts an integer of epoch
    /// *milliseconds* in tag 1 (the tag RFC 8949 gives epoch seconds; the Java SDK writes and
    /// reads milliseconds there, and reads a float or seconds as a date in 1970); smithy
    /// rpc-v2-cbor puts epoch seconds in tag 1, as the RFC does.
    public var timestamps: TimestampStyle

    public enum TimestampStyle: Sendable { case taggedMillis, taggedSeconds }

    public init(timestamps: TimestampStyle = .taggedMillis) {
        self.timestamps = timestamps
    }

    public mutating func timestamp(_ t: Timestamp) {
        switch timestamps {
        case .taggedMillis:
            tag(1)
            int(t.millis)
        case .taggedSeconds:
            tag(1)
            if t.millis % 1000 == 0 { int(t.millis / 1000) } else { double(t.seconds) }
        }
    }

    /// An error body (`__type` and the message) in CBOR.
    public static func error(_ error: AWSError) -> [UInt8] {
        var w = CBORWriter()
        w.mapHeader(error.message == nil ? 1 : 2)
        w.text("__type"); w.text(error.code)
        if let m = error.message { w.text(error.messageKey); w.text(m) }
        return w.bytes
    }

    mutating func head(_ major: UInt8, _ value: UInt64) {
        let m = major << 5
        switch value {
        case 0..<24: bytes.append(m | UInt8(value))
        case 24..<0x100: bytes += [m | 24, UInt8(value)]
        case 0x100..<0x10000: bytes.append(m | 25); appendBE(UInt16(value))
        case 0x10000..<0x1_0000_0000: bytes.append(m | 26); appendBE(UInt32(value))
        default: bytes.append(m | 27); appendBE(value)
        }
    }

    mutating func appendBE<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func int(_ v: Int64) {
        if v >= 0 { head(0, UInt64(v)) } else { head(1, UInt64(-1 - v)) }
    }

    /// Always a float64, as AWS writes a double (an integer would be read back as a long by
    /// strict decoders).
    public mutating func double(_ v: Double) {
        bytes.append(0xFB)
        appendBE(v.bitPattern)
    }

    public mutating func text(_ s: String) {
        head(3, UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    public mutating func blob(_ b: [UInt8]) {
        head(2, UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func bool(_ b: Bool) { bytes.append(b ? 0xF5 : 0xF4) }
    public mutating func tag(_ t: UInt64) { head(6, t) }
    public mutating func null() { bytes.append(0xF6) }
    public mutating func arrayHeader(_ count: Int) { head(4, UInt64(count)) }
    public mutating func mapHeader(_ count: Int) { head(5, UInt64(count)) }
}
