/// The protocols of the JSON-family services, and how each writes an answer and an error. This
/// is the one place errors of these services become bytes.
public enum WireProtocol: Sendable, Equatable {
    /// awsJson 1.0 (CloudWatch) and 1.1 (Kinesis, Firehose): `X-Amz-Target`, JSON bodies.
    case awsJSON10, awsJSON11
    /// Kinesis' CBOR (the Java SDK v2's default): the awsJson target with CBOR bodies.
    case kinesisCBOR
    /// smithy rpc-v2-cbor: the operation in the path, CBOR bodies, tag-1 timestamps.
    case rpcV2CBOR
    /// awsQuery: a form body in, XML out.
    case awsQuery

    public static let kinesisCBORContentType = "application/x-amz-cbor-1.1"

    public var contentType: String {
        switch self {
        case .awsJSON10: AWSJSONProtocol.contentType10
        case .awsJSON11: AWSJSONProtocol.contentType11
        case .kinesisCBOR: Self.kinesisCBORContentType
        case .rpcV2CBOR: "application/cbor"
        case .awsQuery: "text/xml"
        }
    }

    public var decodingStyle: ShapeDecoder.Style {
        switch self {
        case .awsJSON10, .awsJSON11: .json
        case .kinesisCBOR, .rpcV2CBOR: .cbor
        case .awsQuery: .query
        }
    }

    /// The request body as a tree (awsQuery forms are read by the dispatcher, which needs
    /// their `Action` first). An empty body is an empty structure, as AWS treats it.
    public func tree(_ body: [UInt8]) throws(AWSError) -> JSONValue {
        switch self {
        case .awsJSON10, .awsJSON11:
            return .object(try AWSJSONProtocol.parseBody(body))
        case .kinesisCBOR, .rpcV2CBOR:
            if body.isEmpty { return .object(JSONObject()) }
            let value: JSONValue
            do { value = try CBOR.decode(body) } catch { throw AWSError.serialization(error.description) }
            guard case .object = value else { throw AWSError.serialization("Start of structure or map expected") }
            return value
        case .awsQuery:
            return AWSQueryProtocol.tree(AWSQueryProtocol.pairs(body))
        }
    }

    /// What a service adds to how its protocols answer.
    public struct Dialect: Sendable {
        /// The awsQuery XML namespace.
        public var xmlNamespace: String
        /// awsQuery-compatible services name the query error code in their JSON and CBOR errors.
        public var queryCompatible: Bool
        /// Written before the code in a JSON error's `__type` (DynamoDB's
        /// `com.amazonaws.dynamodb.v20120810#`); clients read what follows the `#`.
        public var errorTypeNamespace: String
        /// The code of a broken model constraint: awsQuery services say `ValidationError`
        /// where JSON services say `ValidationException`.
        public var validationCode: String

        public init(xmlNamespace: String = "", queryCompatible: Bool = false, errorTypeNamespace: String = "",
                    validationCode: String = "ValidationException") {
            self.xmlNamespace = xmlNamespace
            self.queryCompatible = queryCompatible
            self.errorTypeNamespace = errorTypeNamespace
            self.validationCode = validationCode
        }
    }

    public func answer<Operation: ServiceOperation>(_ output: Operation.Output, of operation: Operation.Type,
                                                    dialect: Dialect, requestId: String) -> ServiceResponse {
        if let stream = output.responseStream {
            var headers = Headers()
            headers.add("x-amzn-RequestId", requestId)
            headers.add("Content-Type", EventStream.contentType)
            return ServiceResponse(status: 200, headers: headers, stream: stream)
        }
        let body: [UInt8]
        switch self {
        case .awsJSON10, .awsJSON11:
            body = output.jsonBytes()
        case .kinesisCBOR, .rpcV2CBOR:
            var w = CBORWriter(timestamps: self == .rpcV2CBOR ? .taggedSeconds : .taggedMillis)
            output.encode(cbor: &w)
            body = w.bytes
        case .awsQuery:
            body = AWSQueryProtocol.answer(output, operation: Operation.name, resultWrapper: Operation.resultWrapper,
                                           namespace: dialect.xmlNamespace, requestId: requestId)
        }
        return ServiceResponse(status: 200, headers: headers(requestId: requestId), body: body)
    }

    public func errorResponse(_ error: AWSError, dialect: Dialect, requestId: String) -> ServiceResponse {
        // The query code of a broken constraint is the dialect's; JSON bodies keep the shape's.
        let queryCode = error.code == AWSError.validation("").code ? dialect.validationCode : error.code
        var headers = headers(requestId: requestId)
        let body: [UInt8]
        switch self {
        case .awsJSON10, .awsJSON11:
            headers.add("x-amzn-ErrorType", error.code)
            body = AWSJSONProtocol.errorBody(error, typeNamespace: dialect.errorTypeNamespace)
        case .kinesisCBOR:
            headers.add("x-amzn-ErrorType", error.code)
            body = CBORWriter.error(error)
        case .rpcV2CBOR:
            body = CBORWriter.error(error)
        case .awsQuery:
            var queryError = error
            queryError.code = queryCode
            body = AWSQueryProtocol.errorXML(queryError, namespace: dialect.xmlNamespace, requestId: requestId)
        }
        if dialect.queryCompatible && self != .awsQuery {
            headers.add("x-amzn-query-error", "\(queryCode);\(error.status >= 500 ? "Receiver" : "Sender")")
        }
        return ServiceResponse(status: error.status, headers: headers, body: body)
    }

    func headers(requestId: String) -> Headers {
        var headers = Headers()
        headers.add("x-amzn-RequestId", requestId)
        if self == .rpcV2CBOR { headers.add("smithy-protocol", "rpc-v2-cbor") }
        headers.add("Content-Type", contentType)
        return headers
    }
}
