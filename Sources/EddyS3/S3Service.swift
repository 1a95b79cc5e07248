import EddyStorage
import EddyWire
import Logging

/// The S3 stand-in on the shared port: REST-XML, path-style and virtual-hosted addressing.
/// Object bodies stream to disk through `UploadSink` and back out with sendfile.
public final class S3Service: AWSService {
    public let recognition = ServiceRecognition(signingName: "s3", displayName: "Amazon S3", isFallback: true, authErrors: .s3)
    public let store: ObjectStore
    /// The keys signatures are checked against (`--auth verify`): a PostObject carries its
    /// signature in its form, which only the service reads.
    let verifyingCredentials: Credentials?
    let syncWrites: Bool
    let clock: @Sendable () -> Int64
    /// How long a RestoreObject takes, and how long a lifecycle (and restore) day lasts.
    let restoreMillis: Int64
    let lifecycleDayMillis: Int64
    private let logger: Logger

    /// Largest single PutObject / UploadPart body, as AWS.
    static let maxObjectSize = 5 << 30

    public init(store: ObjectStore, syncWrites: Bool, logger: Logger, clock: @escaping @Sendable () -> Int64,
                restoreMillis: Int64 = 1000, lifecycleDayMillis: Int64 = 86_400_000, verifyingCredentials: Credentials? = nil) {
        self.verifyingCredentials = verifyingCredentials
        self.restoreMillis = restoreMillis
        self.lifecycleDayMillis = max(1, lifecycleDayMillis)
        self.store = store
        self.syncWrites = syncWrites
        self.logger = logger
        self.clock = clock
    }

    public var healthState: String { "running" }

    /// A CORS preflight cannot carry credentials, and a browser's form upload carries them in
    /// its form.
    public func isAnonymous(_ head: RequestHead) -> Bool {
        if head.method == "OPTIONS" { return true }
        guard head.method == "POST", head.headers["Authorization"] == nil,
              let type = head.headers["Content-Type"], MultipartForm.boundary(type) != nil else { return false }
        return S3Address(path: head.path, query: head.query, host: head.headers["Host"]).key == nil
    }

    public func reset() async throws { try store.reset() }

    /// Applies the buckets' lifecycle rules every `interval` milliseconds (S3 does once a day),
    public func runLifecycle(every interval: Int64) async {
        let sweeper = LifecycleSweeper(store: store, dayMillis: lifecycleDayMillis, logger: logger)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(max(10, interval)))
            do {
                let outcome = try sweeper.sweep(now: clock())
                if outcome.total > 0 {
                    logger.info("lifecycle: \(outcome.expired) expired, \(outcome.versionsDeleted) versions deleted, \(outcome.transitioned) transitioned, \(outcome.uploadsAborted) uploads aborted")
                }
            } catch {
                logger.warning("lifecycle: \(error)")
            }
        }
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        S3Error(error).response(requestId: head.context.requestId)
    }

    /// PutObject and UploadPart bodies stream to a temporary file; everything else is small.
    /// (The bucket is checked when the request is handled; a refused upload's file is removed.)
    public func bodySink(for head: RequestHead) -> (any RequestBodySink)? {
        guard head.method == "PUT" else { return nil }
        let address = S3Address(path: head.path, query: head.query, host: head.headers["Host"])
        // Object sub-resources carry small XML documents, read whole.
        guard address.bucket != nil, address.key != nil, head.headers["x-amz-copy-source"] == nil,
              !["tagging", "acl", "retention", "legal-hold"].contains(where: { address.query[$0] != nil }) else { return nil }
        return try? UploadSink(path: store.temporaryPath(), headers: head.headers, maxSize: Self.maxObjectSize, sync: syncWrites,
                               signing: head.context.signing, defaultChecksum: defaultChecksum(address))
    }

    /// The checksum S3 computes of a body whose client named none: every new object gets a
    /// CRC-64/NVME; a part gets its upload's algorithm when the upload checksums the full object
    /// (a composite upload's parts must bring their own).
    func defaultChecksum(_ address: S3Address) -> ChecksumAlgorithm? {
        guard let id = address.query["uploadId"] else { return .crc64nvme }
        guard let upload = try? store.upload(id), upload.checksumType == "FULL_OBJECT" else { return nil }
        return upload.checksumAlgorithm
    }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let address = S3Address(path: request.path, query: request.query, host: request.headers["Host"])
        let context = S3Context(service: self, request: request, address: address, now: clock())
        var response: ServiceResponse
        do throws(S3Error) {
            response = try S3Router.route(context)
        } catch {
            if let upload = request.streamedBody as? UploadedBody { FileSystem.remove(upload.temporaryPath) }
            response = error.response(requestId: request.context.requestId)
        }
        // A cross-origin request matching the bucket's CORS rules is answered with their headers.
        if request.method != "OPTIONS", let origin = request.headers["Origin"], let bucket = address.bucket,
           let rules = try? CORSRules(context, bucket: bucket),
           let rule = rules.match(origin: origin, method: request.method == "HEAD" ? "HEAD" : request.method, headers: []) {
            for (header, value) in CORSRules.headers(rule, origin: origin, preflight: nil) { response.headers.add(header, value) }
        }
        return response
    }
}

/// What an S3 action works with.
struct S3Context {
    let service: S3Service
    let request: ServiceRequest
    let address: S3Address
    let now: Int64

    var store: ObjectStore { service.store }
    var headers: Headers { request.headers }
    var query: [String: String] { address.query }
    var account: String { request.context.accountId }
    var region: String { request.context.region }

    @discardableResult
    func catalog<T>(_ body: () throws -> T) throws(S3Error) -> T {
        do { return try body() } catch { throw S3Error.internalError("\(error)") }
    }

    /// The addressed bucket, which must exist and belong to the caller's account.
    func bucket() throws(S3Error) -> ObjectStore.Bucket {
        guard let name = address.bucket else { throw S3Error("InvalidRequest", "A bucket name is required.") }
        guard let bucket = try catalog({ try store.bucket(name) }) else { throw S3Error.noSuchBucket(name) }
        guard bucket.account == account else { throw S3Error("AccessDenied", "Access Denied", status: 403) }
        // A request may say whose bucket it expects; another owner's is refused.
        if let expected = headers["x-amz-expected-bucket-owner"], expected != bucket.account {
            throw S3Error("AccessDenied", "Access Denied", status: 403)
        }
        return bucket
    }

    /// The uploaded body: streamed by the sink, or (small requests the front buffered) written now.
    func uploadedBody() throws(S3Error) -> UploadedBody {
        if let streamed = request.streamedBody as? UploadedBody { return streamed }
        do throws(AWSError) {
            let sink = try UploadSink(path: store.temporaryPath(), headers: headers, maxSize: S3Service.maxObjectSize, sync: service.syncWrites,
                                      defaultChecksum: service.defaultChecksum(address))
            try sink.write(request.body, count: request.body.count)
            guard let body = try sink.finish() as? UploadedBody else { throw S3Error.internalError("upload").awsError }
            return body
        } catch {
            throw S3Error(error)
        }
    }

    func xml(_ status: Int = 200, _ build: (inout XMLWriter) -> Void) -> ServiceResponse {
        var w = XMLWriter()
        build(&w)
        var response = empty(status)
        response.headers.add("Content-Type", "application/xml")
        response.body = w.bytes
        return response
    }

    /// A stored XML document as the answer.
    func document(_ bytes: [UInt8]) -> ServiceResponse {
        var response = empty()
        response.headers.add("Content-Type", "application/xml")
        response.body = bytes
        return response
    }

    func empty(_ status: Int = 200) -> ServiceResponse {
        var headers = Headers()
        headers.add("x-amz-request-id", request.context.requestId)
        headers.add("x-amz-id-2", "eddy")
        return ServiceResponse(status: status, headers: headers)
    }

    func parseXML() throws(S3Error) -> XMLElement {
        do { return try XMLElement.parse(request.body) } catch { throw S3Error.malformedXML }
    }
}

let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"
