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

/// A request as a service sees it before its body: what a service needs to decide whether it
/// takes the body as a stream (`AWSService.bodySink(for:)`).
public struct RequestHead: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var headers: Headers
    public var context: RequestContext

    public init(method: String, path: String, query: String?, headers: Headers, context: RequestContext) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.context = context
    }
}

public struct ServiceRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var headers: Headers
    /// The body, when the service let the front buffer it.
    public var body: [UInt8]
    /// What the service's body sink made of a streamed body (its own type).
    public var streamedBody: (any Sendable)?
    public var context: RequestContext

    public init(head: RequestHead, body: [UInt8], streamedBody: (any Sendable)? = nil) {
        self.method = head.method
        self.path = head.path
        self.query = head.query
        self.headers = head.headers
        self.body = body
        self.streamedBody = streamedBody
        self.context = head.context
    }

    public init(method: String, path: String, query: String?, headers: Headers, body: [UInt8], context: RequestContext) {
        self.init(head: RequestHead(method: method, path: path, query: query, headers: headers, context: context), body: body)
    }
}

/// Receives a request body chunk by chunk as it arrives (on the connection's event loop), so a
/// large upload goes to disk without being held in memory. Used from one thread at a time.
public protocol RequestBodySink: AnyObject {
    /// Takes the next chunk; throwing stops the upload (the error is answered once the client
    /// has finished sending).
    func write(_ chunk: UnsafeRawBufferPointer) throws(AWSError)
    /// The body is complete: returns what the service's request handler receives.
    func finish() throws(AWSError) -> any Sendable
    /// The connection went away or the upload failed: release what was written.
    func abort()
}

/// A response body read from an open file (sent with sendfile; the front closes `descriptor`).
public struct FileBody: Sendable {
    public var descriptor: Int32
    public var offset: Int
    public var length: Int

    public init(descriptor: Int32, offset: Int, length: Int) {
        self.descriptor = descriptor
        self.offset = offset
        self.length = length
    }
}

/// A response body produced over time (SubscribeToShard's event stream). `produce` writes
/// chunks until it returns; a write throws once the client has gone, which ends it.
public struct ResponseStream: Sendable {
    public let produce: @Sendable (ResponseStreamWriter) async -> Void

    public init(produce: @escaping @Sendable (ResponseStreamWriter) async -> Void) {
        self.produce = produce
    }
}

public struct ResponseStreamWriter: Sendable {
    let send: @Sendable ([UInt8]) async throws -> Void

    public init(send: @escaping @Sendable ([UInt8]) async throws -> Void) { self.send = send }

    /// Sends a chunk and waits until it has been written to the connection.
    public func write(_ bytes: [UInt8]) async throws { try await send(bytes) }
}

public struct ServiceResponse: Sendable {
    public var status: Int
    public var headers: Headers
    public var body: [UInt8]
    /// When set, the body is this file range instead of `body`.
    public var file: FileBody?
    /// The Content-Length to announce for a body that is not sent (HEAD).
    public var declaredLength: Int?
    /// When set, the body is streamed (no Content-Length; chunked on HTTP/1.1).
    public var stream: ResponseStream?

    public init(status: Int = 200, headers: Headers = Headers(), body: [UInt8] = [], file: FileBody? = nil,
                stream: ResponseStream? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.file = file
        self.stream = stream
    }

    public var contentLength: Int { declaredLength ?? file?.length ?? body.count }
}

/// A service served on the shared port (Kinesis, later Firehose, S3, CloudWatch).
public protocol AWSService: Sendable {
    /// The SigV4 signing name (`kinesis`, `firehose`, `s3`, `monitoring`).
    var signingName: String { get }
    /// The `X-Amz-Target` prefix the service's JSON operations use, if any.
    var targetPrefix: String? { get }
    func handle(_ request: ServiceRequest) async -> ServiceResponse
    /// A sink to stream this request's body into, or nil to have the front buffer it.
    func bodySink(for head: RequestHead) -> (any RequestBodySink)?
    /// The service's own error format for errors the front answers (nil: awsJson).
    func errorResponse(_ error: AWSError, requestId: String) -> ServiceResponse?
    /// Drops all state (POST /_eddy/reset).
    func reset() async throws
    /// A one-word state for health endpoints ("running").
    var healthState: String { get }
}

extension AWSService {
    public func bodySink(for head: RequestHead) -> (any RequestBodySink)? { nil }
    public func errorResponse(_ error: AWSError, requestId: String) -> ServiceResponse? { nil }
}

extension RequestBodySink {
    /// Feeds the first `count` bytes of an array.
    public func write(_ bytes: [UInt8], count: Int) throws(AWSError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(AWSError) in try write(UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
        }
        try result.get()
    }
}

/// One operation of a service: reads its context (validated input, the caller, the time) and
/// writes its JSON answer or throws the service's typed error. Services keep a table of them
/// by operation name.
public protocol ServiceAction: Sendable {
    associatedtype Context
    associatedtype Failure: Error
    static var name: String { get }
    static func perform(_ context: Context) throws(Failure) -> [UInt8]
}

extension ServiceAction {
    /// The type's name is the operation's name (`CreateStream`).
    public static var name: String { String(describing: Self.self) }
}

