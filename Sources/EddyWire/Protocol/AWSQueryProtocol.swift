/// The awsQuery protocol (CloudWatch from the Java SDK v2 and older SDKs): a form-encoded body
/// `Action=…&Version=…&A.member.1.B=…`. The form becomes the same `JSONValue` tree the JSON
/// protocols give, by its dotted names alone (`A.member.1.B=x` → `{"A":{"member":{"1":{"B":"x"}}}}`);
/// the typed decoder reads lists, maps and scalars out of it by the model.
public enum AWSQueryProtocol {
    public static let contentType = "application/x-www-form-urlencoded"

    /// A name with more dots than this is not a model path (CloudWatch's deepest is about 10).
    public static let maxNameComponents = 32

    /// Form pairs in the order sent, percent- and plus-decoded.
    public static func pairs(_ body: [UInt8]) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for part in body.split(separator: UInt8(ascii: "&")) {
            let kv = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = kv.first else { continue }
            pairs.append((decode(name), kv.count > 1 ? decode(kv[1]) : ""))
        }
        return pairs
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), bytes.endIndex - i > 2, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The pairs as a tree. A name sent twice keeps its last value; a name that is also the
    /// prefix of others (`A=` and `A.member.1=x`) is the structure under it.
    public static func tree(_ pairs: [(name: String, value: String)]) -> JSONValue {
        let root = Node()
        for (name, value) in pairs {
            let components = name.split(separator: ".", omittingEmptySubsequences: false)
            guard components.count <= maxNameComponents else { continue }
            var node = root
            for component in components { node = node.child(String(component)) }
            node.value = value
        }
        return root.json(depth: 0)
    }

    final class Node {
        var value: String?
        var order: [String] = []
        var children: [String: Node] = [:]

        func child(_ name: String) -> Node {
            if let existing = children[name] { return existing }
            let made = Node()
            children[name] = made
            order.append(name)
            return made
        }

        /// Depth is bounded by `maxNameComponents`.
        func json(depth: Int) -> JSONValue {
            if order.isEmpty || depth >= AWSQueryProtocol.maxNameComponents { return .string(value ?? "") }
            return .object(JSONObject(order.compactMap { name in children[name].map { (name, $0.json(depth: depth + 1)) } }))
        }
    }

    /// `<OperationResponse><OperationResult>…</OperationResult><ResponseMetadata>…` around the
    /// members the output writes.
    public static func answer(_ output: some ShapeEncodable, operation: String, resultWrapper: String?, namespace: String,
                              requestId: String) -> [UInt8] {
        var w = XMLWriter()
        w.open(operation + "Response", namespace: namespace)
        if let resultWrapper {
            w.open(resultWrapper)
            output.encode(xml: &w)
            w.close(resultWrapper)
        }
        w.element("ResponseMetadata") { w in w.element("RequestId", requestId) }
        w.close(operation + "Response")
        return w.bytes
    }

    public static func errorXML(_ error: AWSError, namespace: String, requestId: String) -> [UInt8] {
        var w = XMLWriter()
        w.open("ErrorResponse", namespace: namespace)
        w.element("Error") { w in
            w.element("Type", error.status >= 500 ? "Receiver" : "Sender")
            w.element("Code", error.code)
            if let message = error.message { w.element("Message", message: message) }
        }
        w.element("RequestId", requestId)
        w.close("ErrorResponse")
        return w.bytes
    }
}

extension AWSDate {
    /// ISO 8601 with optional fractional seconds, `Z` only.
    public static func parseISO8601Millis(_ text: String) -> Int64? {
        guard let whole = parse(text) else { return nil }
        let u = Array(text.utf8)
        guard u.count > 20, u[19] == UInt8(ascii: ".") else { return whole }
        var digits = u[20...].prefix { $0 >= 0x30 && $0 <= 0x39 }.prefix(3).map { Int($0 - 0x30) }
        while digits.count < 3 { digits.append(0) }
        return whole + Int64(digits[0] * 100 + digits[1] * 10 + digits[2])
    }
}
