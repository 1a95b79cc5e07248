import EddyWire

/// S3's errors: a code, a message, the HTTP status, and the resource it is about. They go on
/// the wire as `<Error><Code>…</Code><Message>…</Message>…</Error>`.
public struct S3Error: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var status: Int
    /// Extra members S3 includes (`BucketName`, `Key`, `Condition` …).
    public var details: [(String, String)] = []
    /// Headers the error answer carries (a delete marker's `x-amz-delete-marker` …).
    public var headers: [(String, String)] = []

    public static func == (a: S3Error, b: S3Error) -> Bool { a.code == b.code && a.message == b.message && a.status == b.status }

    init(_ code: String, _ message: String, status: Int = 400, _ details: [(String, String)] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.details = details
    }

    static func noSuchBucket(_ bucket: String) -> S3Error {
        S3Error("NoSuchBucket", "The specified bucket does not exist", status: 404, [("BucketName", bucket)])
    }
    static func noSuchKey(_ key: String) -> S3Error {
        S3Error("NoSuchKey", "The specified key does not exist.", status: 404, [("Key", key)])
    }
    static func noSuchUpload(_ id: String) -> S3Error {
        S3Error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", status: 404, [("UploadId", id)])
    }
    static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil) -> S3Error {
        var d: [(String, String)] = []
        if let name { d.append(("ArgumentName", name)) }
        if let value { d.append(("ArgumentValue", value)) }
        return S3Error("InvalidArgument", message, d)
    }
    static func internalError(_ message: String) -> S3Error {
        S3Error("InternalError", "We encountered an internal error. Please try again. (\(message))", status: 500)
    }
    static func noSuchVersion(_ key: String, _ versionId: String) -> S3Error {
        S3Error("NoSuchVersion", "The specified version does not exist.", status: 404, [("Key", key), ("VersionId", versionId)])
    }
    static let malformedXML = S3Error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
    static let preconditionFailed = S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412, [("Condition", "If-Match")])
    static let notModified = S3Error("NotModified", "Not Modified", status: 304)

    /// S3's error document: the code's own members (`Key`, `BucketName`, `Condition` …), then
    /// RequestId and HostId; S3 has no `Resource` member.
    func response(requestId: String) -> ServiceResponse {
        var w = XMLWriter()
        w.element("Error") { w in
            w.element("Code", code)
            w.element("Message", message: message)
            for (k, v) in details { w.element(k, message: v) }
            w.element("RequestId", requestId)
            w.element("HostId", "eddy")
        }
        var headers = Headers()
        headers.add("Content-Type", "application/xml")
        headers.add("x-amz-request-id", requestId)
        headers.add("x-amz-id-2", "eddy")
        for (name, value) in self.headers { headers.add(name, value) }
        // HEAD answers carry no body; clients read the status alone.
        return ServiceResponse(status: status, headers: headers, body: status == 304 ? [] : w.bytes)
    }
}

extension S3Error {
    /// Errors raised by the front or the body sink arrive as `AWSError`s.
    init(_ error: AWSError) {
        self.init(error.code, error.message ?? error.code, status: error.status, error.details.map { ($0.name, $0.value) })
    }

    var awsError: AWSError { AWSError(code: code, message: message, status: status) }
}
