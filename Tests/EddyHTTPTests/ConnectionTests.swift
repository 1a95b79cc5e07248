import EddyWire
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import EddyHTTP

/// A service that answers what it was asked: its name, the method and path, the body length.
final class EchoService: AWSService {
    let recognition: ServiceRecognition

    init(_ recognition: ServiceRecognition) { self.recognition = recognition }

    func handle(_ request: ServiceRequest) async -> ServiceResponse {
        var headers = Headers()
        headers.add("Content-Type", "text/plain")
        let text = "\(recognition.signingName) \(request.method) \(request.path) \(request.body.count) \(request.context.region)"
        return ServiceResponse(status: 200, headers: headers, body: Array(text.utf8))
    }

    func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        AWSJSONProtocol.errorResponse(error, requestId: head.context.requestId)
    }

    func reset() async throws {}
    var healthState: String { "running" }
}

let services: [any AWSService] = [
    EchoService(ServiceRecognition(signingName: "kinesis", displayName: "Kinesis", targetPrefixes: ["Kinesis_20131202"])),
    EchoService(ServiceRecognition(signingName: "monitoring", displayName: "CloudWatch", targetPrefixes: ["GraniteServiceVersion20100801"],
                                   pathPrefixes: ["/service/GraniteServiceVersion20100801/operation/"], takesQueryForms: true)),
    EchoService(ServiceRecognition(signingName: "s3", displayName: "S3", isFallback: true)),
]

/// A connection driven in memory through the server's own first handler.
struct Connection {
    let channel: NIOAsyncTestingChannel

    init(limits: ConnectionLimits = ConnectionLimits(maxBodyBytes: 1024)) async throws {
        let router = ServiceRouter(configuration: .init(), services: services)
        let dispatcher = RequestDispatcher(router: router, admin: AdminEndpoints(services: services, version: "test"),
                                           logger: Logger(label: "test"))
        let pipelines = Pipelines(dispatcher: dispatcher, limits: limits)
        channel = NIOAsyncTestingChannel()
        let sniffer = ProtocolSniffer(http1: { try pipelines.http1($0, fileRegions: false) }, http2: { try pipelines.http2($0) })
        try await channel.pipeline.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
        try await channel.pipeline.addHandler(sniffer)
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1))
    }

    /// Lets `amount` pass, then fires the timers that fell due: the testing loop's clock is virtual,
    /// but the idle handler measures what passed since the last read by the wall clock.
    func advance(by amount: TimeAmount) async {
        try? await Task.sleep(for: .nanoseconds(amount.nanoseconds))
        await channel.testingEventLoop.advanceTime(by: amount)
    }

    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// What the server wrote, as text, once it contains `marker` (or after a while).
    func read(until marker: String) async throws -> String {
        var text = ""
        for _ in 0..<500 {
            while let out = try await channel.readOutbound(as: IOData.self) {
                if case .byteBuffer(let b) = out { text += String(buffer: b) }
            }
            if text.contains(marker) { return text }
            try await Task.sleep(for: .milliseconds(2))
        }
        return text
    }
}

@Suite struct ConnectionTests {
    @Test func http11RequestsAreAnsweredOnAKeptAliveConnection() async throws {
        let c = try await Connection()
        try await c.send("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\n\r\n{}")
        let first = try await c.read(until: "us-east-1")
        #expect(first.hasPrefix("HTTP/1.1 200 OK"))
        #expect(first.hasSuffix("kinesis POST / 2 us-east-1"))
        try await c.send("GET /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await c.read(until: "us-east-1").hasSuffix("s3 GET /bucket/key 0 us-east-1"))
        #expect(c.channel.isActive)
    }

    @Test func continueIsSentBeforeTheBody() async throws {
        let c = try await Connection()
        try await c.send("PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        #expect(try await c.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 100 Continue"))
        try await c.send("abc")
        #expect(try await c.read(until: "us-east-1").hasSuffix("s3 PUT /b/k 3 us-east-1"))
    }

    @Test func aTooLargeBodyIsRefusedWith413AndTheConnectionCloses() async throws {
        let c = try await Connection(limits: ConnectionLimits(maxBodyBytes: 8))
        try await c.send("PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 20\r\n\r\n")
        try await c.send(String(repeating: "x", count: 20))
        let answer = try await c.read(until: "RequestEntityTooLarge")
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(!answer.contains("100 Continue"))
        #expect(answer.lowercased().contains("connection: close"))
    }

    @Test func aConnectionThatNeverSaysWhatItSpeaksIsClosedWhenIdle() async throws {
        let c = try await Connection(limits: ConnectionLimits(idleTimeout: .milliseconds(50)))
        // Part of the HTTP/2 preface, then nothing.
        try await c.channel.writeInbound(ByteBuffer(bytes: ProtocolSniffer.preface.prefix(10)))
        await c.advance(by: .milliseconds(300))
        #expect(!c.channel.isActive)
    }

    @Test func aHeadTrickledTooSlowlyClosesTheConnection() async throws {
        let c = try await Connection(limits: ConnectionLimits(idleTimeout: .seconds(60), headTimeout: .milliseconds(100)))
        for piece in ["GE", "T /b", "ucket HT"] {
            try await c.send(piece)
            await c.advance(by: .milliseconds(60))
        }
        #expect(!c.channel.isActive)
    }

    @Test func aKeptAliveConnectionMayWaitLongerThanAHeadMayTake() async throws {
        let c = try await Connection(limits: ConnectionLimits(idleTimeout: .seconds(60), headTimeout: .milliseconds(100)))
        try await c.send("GET /bucket/a HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await c.read(until: "us-east-1")
        await c.advance(by: .milliseconds(250))
        #expect(c.channel.isActive)
        try await c.send("GET /bucket/b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await c.read(until: "us-east-1").hasSuffix("s3 GET /bucket/b 0 us-east-1"))
    }

    @Test func thePriorKnowledgePrefaceStartsHTTP2() async throws {
        let c = try await Connection()
        try await c.channel.writeInbound(ByteBuffer(bytes: ProtocolSniffer.preface))
        // The server's first frame is its SETTINGS (type 4) on stream 0.
        var first: ByteBuffer?
        for _ in 0..<200 where first == nil {
            if case .byteBuffer(let b)? = try await c.channel.readOutbound(as: IOData.self) { first = b } else { try await Task.sleep(for: .milliseconds(2)) }
        }
        let frame = try #require(first)
        #expect(frame.getInteger(at: frame.readerIndex + 3, as: UInt8.self) == 0x04)
    }
}

@Suite struct ServiceRecognitionTests {
    let router = ServiceRouter(configuration: .init(defaultRegion: "eu-west-1", defaultAccountId: "111111111111"), services: services)

    func name(_ method: String = "POST", _ path: String = "/", _ headers: [(String, String)] = []) -> String {
        let h = Headers(headers)
        let scope = ServiceRouter.scope(headers: h, query: nil)
        switch router.destination(method: method, path: path, headers: h, scope: scope, target: AmzTarget(h["X-Amz-Target"])) {
        case .service(let s): return s.recognition.signingName
        case .unserved(let n): return "unserved:" + n
        }
    }

    @Test func theCredentialScopeComesFirst() {
        let auth = "AWS4-HMAC-SHA256 Credential=123456789012/20261201/ap-south-1/monitoring/aws4_request, SignedHeaders=host, Signature=x"
        #expect(name("POST", "/", [("Authorization", auth), ("X-Amz-Target", "Kinesis_20131202.ListStreams")]) == "monitoring")
        let context = router.context(scope: ServiceRouter.scope(headers: Headers([("Authorization", auth)]), query: nil), service: "monitoring",
                                     requestId: "r")
        #expect(context.region == "ap-south-1" && context.accountId == "123456789012")
        #expect(router.context(scope: nil, service: "s3", requestId: "r").region == "eu-west-1")
    }

    @Test func thenTheTargetThenThePathThenTheForm() {
        #expect(name("POST", "/", [("X-Amz-Target", "Kinesis_20131202.PutRecord")]) == "kinesis")
        #expect(name("POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics") == "monitoring")
        #expect(name("POST", "/", [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]) == "monitoring")
        #expect(name("GET", "/bucket") == "s3")
    }

    @Test func servicesEddyDoesNotServeAreNamed() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x"
        #expect(name("POST", "/", [("Authorization", auth)]) == "unserved:sqs")
        #expect(name("POST", "/", [("X-Amz-Target", "DynamoDB_20120810.ListTables")]) == "unserved:DynamoDB_20120810")
    }
}
