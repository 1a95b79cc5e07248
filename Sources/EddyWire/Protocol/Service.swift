/// Who is asking and where: derived by the front from the request's SigV4 credential scope.
public struct RequestContext: Sendable {
    public var service: String
    public var region: String
    public var accountId: String
    public var requestId: String
    /// The verified signature, with `--auth verify` (a signed upload's chunks are checked against it).
    public var signing: SigningContext?

    public init(service: String, region: String, accountId: String, requestId: String, signing: SigningContext? = nil) {
        self.service = service
        self.region = region
        self.accountId = accountId
        self.requestId = requestId
        self.signing = signing
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

/// `X-Amz-Target: <prefix>.<operation>`, split once when a request is routed.
public struct AmzTarget: Sendable, Equatable {
    public var prefix: String
    public var operation: String

    public init?(_ header: String?) {
        guard let header, let dot = header.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        prefix = String(header[..<dot])
        operation = String(header[header.index(after: dot)...])
    }

    public var header: String { "\(prefix).\(operation)" }
}

/// A request as a service sees it before its body: what a service needs to decide whether it
/// takes the body as a stream (`AWSService.bodySink(for:)`), and how it is answered.
public struct RequestHead: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var headers: Headers
    public var context: RequestContext
    public var target: AmzTarget?

    public init(method: String, path: String, query: String?, headers: Headers, context: RequestContext) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.context = context
        self.target = AmzTarget(headers["X-Amz-Target"])
    }
}

/// A whole request: its head and its body.
public struct ServiceRequest: Sendable {
    public var head: RequestHead
    /// The body, when the service let the front buffer it.
    public var body: [UInt8]
    /// What the service's body sink made of a streamed body (its own type).
    public var streamedBody: (any Sendable)?

    public var method: String { head.method }
    public var path: String { head.path }
    public var query: String? { head.query }
    public var headers: Headers { head.headers }
    public var context: RequestContext { head.context }

    public init(head: RequestHead, body: [UInt8], streamedBody: (any Sendable)? = nil) {
        self.head = head
        self.body = body
        self.streamedBody = streamedBody
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

/// How the front tells a service's requests apart from the others' (`ServiceRouter`).
public struct ServiceRecognition: Sendable {
    /// The SigV4 signing name (`kinesis`, `firehose`, `s3`, `monitoring`).
    public var signingName: String
    /// A name people read in logs and errors ("Amazon Kinesis").
    public var displayName: String
    /// `X-Amz-Target` prefixes of its JSON operations.
    public var targetPrefixes: [String]
    /// Path prefixes of protocols that name the operation in the path (rpc-v2-cbor).
    public var pathPrefixes: [String]
    /// Takes unsigned awsQuery forms posted to `/`.
    public var takesQueryForms: Bool
    /// Takes what no other service recognises (S3, whose REST API has no marker of its own).
    public var isFallback: Bool
    /// Its request bodies may be gzip-compressed (`Content-Encoding`), and the front inflates them.
    /// S3's `Content-Encoding` is object metadata instead, so it never says so.
    public var takesCompressedBodies: Bool
    /// How it answers a request whose signature is refused (`--auth verify`).
    public var authErrors: AuthErrorStyle

    public init(signingName: String, displayName: String, targetPrefixes: [String] = [], pathPrefixes: [String] = [],
                takesQueryForms: Bool = false, isFallback: Bool = false, takesCompressedBodies: Bool = false,
                authErrors: AuthErrorStyle = .json) {
        self.signingName = signingName
        self.displayName = displayName
        self.targetPrefixes = targetPrefixes
        self.pathPrefixes = pathPrefixes
        self.takesQueryForms = takesQueryForms
        self.isFallback = isFallback
        self.takesCompressedBodies = takesCompressedBodies
        self.authErrors = authErrors
    }
}

/// A service served on the shared port (Kinesis, Firehose, S3, CloudWatch).
public protocol AWSService: Sendable {
    var recognition: ServiceRecognition { get }
    func handle(_ request: ServiceRequest) async -> ServiceResponse
    /// A sink to stream this request's body into, or nil to have the front buffer it.
    func bodySink(for head: RequestHead) -> (any RequestBodySink)?
    /// An error the front answers (a body too large, a failed upload) in the request's protocol.
    func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse
    /// Drops all state (POST /_eddy/reset).
    func reset() async throws
    /// A one-word state for health endpoints ("running").
    var healthState: String { get }
    /// Requests the service takes unsigned even while signatures are verified (a browser's
    /// CORS preflight, which cannot carry credentials).
    func isAnonymous(_ head: RequestHead) -> Bool
}

extension AWSService {
    public var signingName: String { recognition.signingName }
    public func bodySink(for head: RequestHead) -> (any RequestBodySink)? { nil }
    public func isAnonymous(_ head: RequestHead) -> Bool { false }
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
