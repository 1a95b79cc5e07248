import Dispatch
import EddyCloudWatch
import EddyConsole
import EddyDynamoDB
import EddyFirehose
import EddyHTTP
import EddyKinesis
import EddyS3
import EddyStorage
import EddyWire
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One target per service: the input is an HTTP/1.1 request (the corpus holds ones recorded
/// from boto3, the aws-cli and the Java SDK), routed as the front routes it and served by the
/// real service on a real data dir, with Firehose delivering into S3 and CloudWatch flushing.
/// Beyond not trapping, every answer must be well-formed in its protocol and never a 500.
enum ServiceTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget("kinesis", "an HTTP request for Kinesis (JSON 1.1 or CBOR): routing, typed decoding, every action", run: { serve($0, "kinesis") }),
        FuzzTarget("firehose", "an HTTP request for Firehose: every action, then delivery into S3", run: { serve($0, "firehose") }),
        FuzzTarget("cloudwatch", "an HTTP request for CloudWatch (JSON 1.0, awsQuery, rpc-v2-cbor, gzip): every action, the metric flush", run: { serve($0, "monitoring") }),
        FuzzTarget("s3", "an HTTP request for S3 (REST-XML): routing from method, path, query and headers, every action, streamed uploads", run: { serve($0, "s3") }),
        FuzzTarget("dynamodb", "an HTTP request for DynamoDB (JSON 1.0): tables, items, attribute values and numbers", run: { serve($0, "dynamodb") }),
        FuzzTarget("console", "an HTTP request for the web console: its page, its read APIs and live streams, through the services", run: { serve($0, "console") }),
    ]

    static func serve(_ input: [UInt8], _ service: String) {
        guard let request = RawRequest(input) else { return }
        ServiceWorld.shared.serve(request, service: service)
    }
}

/// All five services on one data dir, as `eddy serve` wires them.
public final class ServiceWorld: Sendable {
    /// The directory is `EDDY_FUZZ_DIR` or a new temporary one; the fuzz script removes it.
    public static let shared = ServiceWorld(root: ServiceWorld.makeRoot())

    public let root: String
    let dispatcher: RequestDispatcher
    let services: [any AWSService]
    let streams: StreamStore
    let metrics: MetricStore
    let firehose: FirehoseService
    let served = Atomic<Int>(0)

    /// Every this many requests: time-driven work (stream states, metric flush, deliveries).
    static let maintenanceEvery = 32
    /// Every this many requests all state is dropped, so a long run's data dir stays small.
    static let resetEvery = 4096

    public init(root: String) {
        self.root = root
        let quiet = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            try FileSystem.createDirectory(root)
            let log = LogConfiguration(fsync: .never)
            streams = try StreamStore(configuration: .init(root: root + "/kinesis", log: log,
                                                           timing: StreamTiming(createMillis: 0, deleteMillis: 0, updateMillis: 0)),
                                      logger: quiet)
            metrics = try MetricStore(path: root + "/cloudwatch.sqlite")
            let kinesis = try KinesisService(store: streams, logger: quiet, subscriptionSeconds: 1, metrics: metrics)
            let s3 = S3Service(store: try ObjectStore(root: root + "/s3", durable: false), syncWrites: false, logger: quiet,
                               clock: WallClock.nowMillis)
            let cloudwatch = try CloudWatchService(store: metrics, alarms: try AlarmStore(path: root + "/cloudwatch-alarms.sqlite", durable: false),
                                                   logger: quiet)
            firehose = try FirehoseService(store: try DeliveryStore(root: root + "/firehose", log: log), objects: s3,
                                           source: kinesis, logger: quiet, metrics: metrics, createMillis: 0)
            let dynamodb = try DynamoDBService(root: root + "/dynamodb", durable: false, logger: quiet, createMillis: 0)
            services = [kinesis, s3, cloudwatch, firehose, dynamodb]
        } catch {
            fatalError("the fuzz data dir \(root) could not be set up: \(error)")
        }
        let router = ServiceRouter(configuration: .init(), services: services)
        let console = WebConsole(services: services, facts: WebConsole.Facts(version: "fuzz", dataDirectory: root, startedMillis: WallClock.nowMillis(),
                                                                            defaultRegion: "us-east-1", defaultAccountId: "000000000000",
                                                                            diskUsage: { 0 }),
                                 hosts: ["127.0.0.1"], credentials: nil)
        dispatcher = RequestDispatcher(router: router, admin: AdminEndpoints(services: services, version: "fuzz", site: console), logger: quiet)
    }

    static func makeRoot() -> String {
        if let given = getenv("EDDY_FUZZ_DIR") { return String(cString: given) }
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/eddy-fuzz.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("no temporary directory in \(base)") }
        return String(cString: made)
    }

    /// Serves `request` if the front routes it to `service` (others are not this target's).
    func serve(_ raw: RawRequest, service: String) {
        var headers = Headers(raw.headers.fields.filter {
            let name = $0.name.lowercased()
            return name != "content-length" && name != "transfer-encoding"
        })
        // As the front delivers it: framing done, the length the one that arrived.
        headers.add("Content-Length", String(raw.body.count))
        let route = dispatcher.route(method: raw.method, uri: raw.uri, headers: headers)
        if service == "console" {
            guard case .site = route.target else { return }
            let dispatcher = self.dispatcher
            inspect(blocking { [body = raw.body] in await dispatcher.dispatch(route, body: body, streamed: nil) }, for: raw)
            return
        }
        guard case .service(let target) = route.target, target.recognition.signingName == service else { return }

        var body = raw.body
        var streamed: (any Sendable)?
        if let sink = dispatcher.sink(for: route) {
            do throws(AWSError) {
                // In pieces, as the front writes them.
                var rest = body[...]
                while !rest.isEmpty {
                    let piece = Array(rest.prefix(4096))
                    rest = rest.dropFirst(piece.count)
                    var failure: AWSError?
                    piece.withUnsafeBytes { bytes in
                        do throws(AWSError) { try sink.write(bytes) } catch { failure = error }
                    }
                    if let failure { throw failure }
                }
                streamed = try sink.finish()
                body = []
            } catch {
                sink.abort()
                inspect(dispatcher.errorResponse(error, route), for: raw)
                return
            }
        }
        let dispatcher = self.dispatcher
        let response = blocking { [body, streamed] in await dispatcher.dispatch(route, body: body, streamed: streamed) }
        inspect(response, for: raw)

        let count = served.add(1, ordering: .relaxed).newValue
        if count % Self.maintenanceEvery == 0 { maintain() }
        if count % Self.resetEvery == 0 { reset() }
    }

    func maintain() {
        let now = WallClock.nowMillis()
        streams.maintain(now: now)
        do {
            try metrics.maintain(nowMillis: now)
            try metrics.flush()
        } catch {
            // A point that was accepted and then cannot be stored is lost data.
            fatalError("the metric store failed after accepting data points: \(error)")
        }
        firehose.flush()
    }

    public func reset() {
        let services = self.services
        blocking {
            for service in services { try? await service.reset() }
        }
    }

    /// The answer a client would parse: well-formed in its protocol, never a 500.
    func inspect(_ response: ServiceResponse, for request: RawRequest) {
        let what = "\(request.method) \(String(request.uri.prefix(120)).debugDescription)"
        check(response.status != 500, "\(what) answered 500: \(String(decoding: response.body.prefix(400), as: UTF8.self))")
        check((100...599).contains(response.status), "\(what) answered status \(response.status)")
        if let file = response.file {
            var info = stat()
            let size = fstat(file.descriptor, &info) == 0 ? Int(info.st_size) : -1
            close(file.descriptor)
            check(file.offset >= 0 && file.length >= 0 && file.offset <= size - file.length,
                  "\(what) answered bytes \(file.offset)+\(file.length) of a \(size)-byte file")
        }
        if let stream = response.stream { drainFirstEvent(stream) }
        guard !response.body.isEmpty else { return }
        let type = (response.headers["Content-Type"] ?? "").lowercased()
        if type.contains("json") {
            check((try? JSONParser.parse(response.body)) != nil, "\(what) answered invalid JSON: \(String(decoding: response.body.prefix(400), as: UTF8.self))")
        } else if type.contains("cbor") {
            check((try? CBOR.decode(response.body)) != nil, "\(what) answered invalid CBOR")
        } else if type.contains("xml") {
            // Data such as an S3 key with a control character is written as a character reference,
            // as S3 does (and its clients then need EncodingType=url); error messages never are.
            let document = response.status < 300 ? Self.withoutControlReferences(response.body) : response.body
            check((try? XMLElement.parse(document)) != nil, "\(what) answered invalid XML: \(String(decoding: response.body.prefix(400), as: UTF8.self))")
        }
    }

    /// `&#1;` and the like (references to characters XML 1.0 excludes) as `&#xFFFD;`.
    static func withoutControlReferences(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        while i < body.count {
            if body[i] == UInt8(ascii: "&"), i + 2 < body.count, body[i + 1] == UInt8(ascii: "#"),
               let end = body[(i + 2)...].prefix(4).firstIndex(of: UInt8(ascii: ";")),
               let value = Int(String(decoding: body[(i + 2)..<end], as: UTF8.self)), value < 0x20 {
                out += Array("&#xFFFD;".utf8)
                i = end + 1
                continue
            }
            out.append(body[i])
            i += 1
        }
        return out
    }

    /// Takes a streamed answer's first chunk, then behaves as a client that hung up.
    func drainFirstEvent(_ stream: ResponseStream) {
        let first = DispatchSemaphore(value: 0)
        let taken = Atomic<Bool>(false)
        let writer = ResponseStreamWriter { _ in
            if taken.exchange(true, ordering: .relaxed) { throw HungUp() }
            first.signal()
        }
        Task {
            await stream.produce(writer)
            if !taken.exchange(true, ordering: .relaxed) { first.signal() }
        }
        _ = first.wait(timeout: .now() + .seconds(2))
    }

    struct HungUp: Error {}
}

/// Runs async work to completion from the fuzzer's synchronous callback.
@discardableResult
func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await work()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    guard let value = result.withLock({ $0 }) else { fatalError("async work ended without a result") }
    return value
}
