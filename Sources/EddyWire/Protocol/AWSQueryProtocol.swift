/// The awsQuery protocol (CloudWatch from the Java SDK v2 and older SDKs): a form-encoded body
/// `Action=…&Version=…&A.member.1.B=…` read into the shared `JSONValue` tree by the input shape,
/// and an XML answer written from the JSON one by the output shape.
public enum AWSQueryProtocol {
    public static let contentType = "application/x-www-form-urlencoded"

    /// Form pairs, percent- and plus-decoded.
    public static func form(_ body: [UInt8]) -> [String: String] {
        var pairs: [String: String] = [:]
        for part in body.split(separator: UInt8(ascii: "&")) {
            let kv = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(kv[0]), value = kv.count > 1 ? decode(kv[1]) : ""
            pairs[key] = value
        }
        return pairs
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
                      let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The input tree for `operation` from form pairs.
    public static func input(_ pairs: [String: String], operation: String, model: ServiceModel) -> JSONObject {
        guard let name = model.operations[operation]?.input, let shape = model.shapes[name],
              case .object(let o)? = value(pairs, prefix: "", shape: shape, model: model) else { return JSONObject() }
        return o
    }

    static func value(_ pairs: [String: String], prefix: String, shape: ServiceModel.Shape, model: ServiceModel) -> JSONValue? {
        func key(_ s: String) -> String { prefix.isEmpty ? s : prefix + "." + s }
        switch shape.type {
        case .structure:
            var members: [(key: String, value: JSONValue)] = []
            for m in shape.members {
                guard let ms = model.shapes[m.shape], let v = value(pairs, prefix: key(m.name), shape: ms, model: model) else { continue }
                members.append((m.name, v))
            }
            // An empty structure is present only if something under its prefix was sent.
            if members.isEmpty && !prefix.isEmpty && pairs[prefix] == nil { return nil }
            return .object(JSONObject(members))
        case .list:
            guard let ms = shape.member.flatMap({ model.shapes[$0] }) else { return nil }
            if pairs[prefix] == "" { return .array([]) }
            var items: [JSONValue] = []
            var n = 1
            while let v = value(pairs, prefix: "\(prefix).member.\(n)", shape: ms, model: model) {
                items.append(v)
                n += 1
            }
            return items.isEmpty ? nil : .array(items)
        case .map:
            guard let ks = shape.key.flatMap({ model.shapes[$0] }), let vs = shape.value.flatMap({ model.shapes[$0] }) else { return nil }
            var members: [(key: String, value: JSONValue)] = []
            var n = 1
            while let k = value(pairs, prefix: "\(prefix).entry.\(n).key", shape: ks, model: model)?.string {
                members.append((k, value(pairs, prefix: "\(prefix).entry.\(n).value", shape: vs, model: model) ?? .null))
                n += 1
            }
            return members.isEmpty ? nil : .object(JSONObject(members))
        default:
            guard let text = pairs[prefix] else { return nil }
            switch shape.type {
            case .integer, .long, .float, .double, .bigdecimal:
                guard let d = Double(text) else { return .string(text) }  // the validator reports the type error
                return .number(d, isInteger: !text.contains(".") && !text.contains("e") && !text.contains("E"))
            case .boolean:
                return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
            case .timestamp:
                if let d = Double(text) { return .number(d, isInteger: false) }
                guard let millis = AWSDate.parseISO8601Millis(text) else { return .string(text) }
                return .number(Double(millis) / 1000, isInteger: false)
            default:
                return .string(text)
            }
        }
    }

    /// `<OperationResponse><OperationResult>…</OperationResult><ResponseMetadata>…` from the JSON answer.
    public static func xml(json: [UInt8], operation: String, model: ServiceModel, namespace: String, requestId: String) -> [UInt8] {
        let value = (try? JSONParser.parse(json)) ?? .object(JSONObject())
        var w = XMLWriter()
        w.open(operation + "Response", namespace: namespace)
        if let op = model.operations[operation], let wrapper = op.resultWrapper {
            w.open(wrapper)
            if case .object(let o) = value, let shape = op.output.flatMap({ model.shapes[$0] }) {
                writeMembers(o, shape: shape, model: model, into: &w)
            }
            w.close(wrapper)
        }
        w.element("ResponseMetadata") { w in w.element("RequestId", requestId) }
        w.close(operation + "Response")
        return w.bytes
    }

    static func writeMembers(_ o: JSONObject, shape: ServiceModel.Shape, model: ServiceModel, into w: inout XMLWriter) {
        for m in shape.members {
            guard let v = o[m.name], let ms = model.shapes[m.shape] else { continue }
            write(v, name: m.name, shape: ms, model: model, into: &w)
        }
    }

    static func write(_ v: JSONValue, name: String, shape: ServiceModel.Shape, model: ServiceModel, into w: inout XMLWriter) {
        switch (v, shape.type) {
        case (.null, _): return
        case (.object(let o), .structure):
            w.open(name)
            writeMembers(o, shape: shape, model: model, into: &w)
            w.close(name)
        case (.array(let items), .list):
            w.open(name)
            if let ms = shape.member.flatMap({ model.shapes[$0] }) {
                for item in items { write(item, name: "member", shape: ms, model: model, into: &w) }
            }
            w.close(name)
        case (.number(let d, _), .timestamp):
            w.element(name, AWSDate.iso8601(Int64((d * 1000).rounded())))
        case (.number(let d, _), .double), (.number(let d, _), .float), (.number(let d, _), .bigdecimal):
            w.element(name, String(d))
        case (.number(let d, _), _):
            w.element(name, d == d.rounded() && d.magnitude < 1e18 ? String(Int64(d)) : String(d))
        case (.bool(let b), _): w.element(name, b)
        case (.string(let s), _): w.element(name, s)
        default: return
        }
    }

    public static func errorXML(_ error: AWSError, namespace: String, requestId: String) -> [UInt8] {
        var w = XMLWriter()
        w.open("ErrorResponse", namespace: namespace)
        w.element("Error") { w in
            w.element("Type", error.status >= 500 ? "Receiver" : "Sender")
            w.element("Code", error.code)
            w.optional("Message", error.message)
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
        var digits = u[20...].prefix { $0 >= 0x30 && $0 <= 0x39 }.map { Int($0 - 0x30) }
        while digits.count < 3 { digits.append(0) }
        return whole + Int64(digits[0] * 100 + digits[1] * 10 + digits[2])
    }
}
