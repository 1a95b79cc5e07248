/// Who is asking and where: derived by the front from the request's SigV4 credential scope.
public struct RequestContext: Sendable {
    public var service: String
    public var region: String
    public var accountId: String
    public var requestId: String

    public init(service: String, region: String, accountId: String, requestId: String) {
        self.service = service
        self.region = region
        self.accountId = accountId
        self.requestId = requestId
    }
}

/// An HTTP header list with case-insensitive lookup (header order and repeats are kept).
public struct Headers: Sendable, Sequence {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public subscript(name: String) -> String? {
        for f in fields where f.name.utf8.count == name.utf8.count && f.name.lowercased() == name.lowercased() {
            return f.value
        }
        return nil
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

public struct ServiceRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var headers: Headers
    public var body: [UInt8]
    public var context: RequestContext

    public init(method: String, path: String, query: String?, headers: Headers, body: [UInt8], context: RequestContext) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.context = context
    }
}

public struct ServiceResponse: Sendable {
    public var status: Int
    public var headers: Headers
    public var body: [UInt8]

    public init(status: Int = 200, headers: Headers = Headers(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A service served on the shared port (Kinesis, later Firehose, S3, CloudWatch).
public protocol AWSService: Sendable {
    /// The SigV4 signing name (`kinesis`, `firehose`, `s3`, `monitoring`).
    var signingName: String { get }
    /// The `X-Amz-Target` prefix the service's JSON operations use, if any.
    var targetPrefix: String? { get }
    func handle(_ request: ServiceRequest) async -> ServiceResponse
    /// Drops all state (POST /_eddy/reset).
    func reset() async throws
    /// A one-word state for health endpoints ("running").
    var healthState: String { get }
}
