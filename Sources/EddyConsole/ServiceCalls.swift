import EddyWire
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The console reads (and sends its test record) through the services' own operations, as a
/// client would, in the region and account it shows: nothing here reaches around a service.
struct ServiceCalls: Sendable {
    let services: [any AWSService]
    let region: String
    let accountId: String

    struct Answer: Sendable {
        var status: Int
        var headers: Headers
        var body: [UInt8]
        var json: JSONValue? { try? JSONParser.parse(body) }
        var ok: Bool { status >= 200 && status < 300 }
    }

    func service(_ signingName: String) -> (any AWSService)? { services.first { $0.signingName == signingName } }

    func context(_ service: String) -> RequestContext {
        RequestContext(service: service, region: region, accountId: accountId, requestId: "console-" + RequestIds.next())
    }

    /// A JSON operation (`Kinesis_20131202.ListStreams`).
    func json(_ signingName: String, _ target: String, _ body: [UInt8], version: String = "1.1") async -> Answer {
        var headers = Headers()
        headers.add("Content-Type", "application/x-amz-json-\(version)")
        headers.add("X-Amz-Target", target)
        headers.add("Host", "127.0.0.1")
        // So its own live tail shows for what it is among a stream's polling readers.
        headers.add("User-Agent", "eddy-console")
        return await call(signingName, ServiceRequest(method: "POST", path: "/", query: nil, headers: headers, body: body,
                                                      context: context(signingName)))
    }

    func json(_ signingName: String, _ target: String, _ build: (inout JSONWriter) -> Void = { _ in }, version: String = "1.1") async -> Answer {
        var w = JSONWriter()
        w.beginObject()
        build(&w)
        w.endObject()
        return await json(signingName, target, w.bytes, version: version)
    }

    func kinesis(_ operation: String, _ build: (inout JSONWriter) -> Void = { _ in }) async -> Answer {
        await json("kinesis", "Kinesis_20131202.\(operation)", build)
    }

    func firehose(_ operation: String, _ build: (inout JSONWriter) -> Void = { _ in }) async -> Answer {
        await json("firehose", "Firehose_20150804.\(operation)", build)
    }

    func cloudwatch(_ operation: String, _ body: [UInt8]) async -> Answer {
        await json("monitoring", "GraniteServiceVersion20100801.\(operation)", body, version: "1.0")
    }

    func cloudwatch(_ operation: String, _ build: (inout JSONWriter) -> Void = { _ in }) async -> Answer {
        await json("monitoring", "GraniteServiceVersion20100801.\(operation)", build, version: "1.0")
    }

    func dynamodb(_ operation: String, _ build: (inout JSONWriter) -> Void = { _ in }) async -> Answer {
        await json("dynamodb", "DynamoDB_20120810.\(operation)", build, version: "1.0")
    }

    /// What a service tells of a resource beyond its AWS operations (see `ServiceInsight`).
    func insight(_ signingName: String, _ topic: String, of subject: String) -> [UInt8]? {
        (service(signingName) as? any ServiceInsight)?.insight(topic, subject: subject, region: region, accountId: accountId)
    }

    /// An S3 REST request, path-style; a body served from a file is read up to `maxBytes`.
    func s3(_ method: String, _ path: String, query: String? = nil, headers extra: [(String, String)] = [],
            maxBytes: Int = 8 << 20) async -> Answer {
        var headers = Headers()
        headers.add("Host", "127.0.0.1")
        for (name, value) in extra { headers.add(name, value) }
        return await call("s3", ServiceRequest(method: method, path: path, query: query, headers: headers, body: [], context: context("s3")),
                          maxBytes: maxBytes)
    }

    /// An S3 GET answered as S3 answers it: an object's file stays a file, for the front to send
    /// without the console reading it into memory.
    func s3Object(_ path: String) async -> ServiceResponse {
        var headers = Headers()
        headers.add("Host", "127.0.0.1")
        guard let service = service("s3") else { return ServiceResponse(status: 501) }
        return await service.handle(ServiceRequest(method: "GET", path: path, query: nil, headers: headers, body: [], context: context("s3")))
    }

    func call(_ signingName: String, _ request: ServiceRequest, maxBytes: Int = 8 << 20) async -> Answer {
        guard let service = service(signingName) else {
            return Answer(status: 501, headers: Headers(), body: Array("{\"message\":\"\(signingName) is not served\"}".utf8))
        }
        let response = await service.handle(request)
        var body = response.body
        if let file = response.file {
            body = Self.read(file, maxBytes: maxBytes)
            close(file.descriptor)
        }
        return Answer(status: response.status, headers: response.headers, body: body)
    }

    static func read(_ file: FileBody, maxBytes: Int) -> [UInt8] {
        let wanted = min(file.length, maxBytes)
        var out = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = out.withUnsafeMutableBytes { raw in
                pread(file.descriptor, raw.baseAddress.map { $0 + done }, wanted - done, off_t(file.offset + done))
            }
            if n <= 0 { break }
            done += n
        }
        return Array(out.prefix(done))
    }
}

/// Request ids of the console's own calls: unique within the process.
enum RequestIds {
    static let counter = Atomic<Int>(0)
    static func next() -> String { String(counter.add(1, ordering: .relaxed).newValue) }
}
