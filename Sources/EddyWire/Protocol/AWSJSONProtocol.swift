/// The awsJson 1.0/1.1 protocol: operation from `X-Amz-Target`, bodies and errors as JSON.
public enum AWSJSONProtocol {
    public static let contentType11 = "application/x-amz-json-1.1"
    public static let contentType10 = "application/x-amz-json-1.0"

    /// The operation named by `X-Amz-Target: <prefix>.<Operation>`.
    public static func operation(target: String?, prefix: String) -> String? {
        guard let target, target.hasPrefix(prefix), target.utf8.count > prefix.utf8.count + 1 else { return nil }
        let rest = target.utf8.dropFirst(prefix.utf8.count)
        guard rest.first == UInt8(ascii: ".") else { return nil }
        return String(rest.dropFirst())
    }

    /// Parses a request body; an empty body is an empty object, as AWS treats it.
    public static func parseBody(_ body: [UInt8]) throws(AWSError) -> JSONObject {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return JSONObject() }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw AWSError.serialization(error.description)
        }
        guard case .object(let object) = value else {
            throw AWSError.serialization("Start of structure or map expected")
        }
        return object
    }

    /// `{"__type": …, "message": …}`
    public static func errorBody(_ error: AWSError, typeNamespace: String = "") -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("__type"); w.string(typeNamespace + error.code)
        if let message = error.message { w.key(error.messageKey); w.string(message) }
        for (name, json) in error.jsonMembers {
            w.key(name)
            w.raw(json)
        }
        w.endObject()
        return w.bytes
    }

    /// An error in awsJson 1.1 (for answers given before a service's protocol is known).
    public static func errorResponse(_ error: AWSError, requestId: String) -> ServiceResponse {
        WireProtocol.awsJSON11.errorResponse(error, dialect: WireProtocol.Dialect(), requestId: requestId)
    }
}
