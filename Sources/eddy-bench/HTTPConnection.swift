import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal keep-alive HTTP/1.1 client connection: one request at a time, body in memory.
final class HTTPConnection: Sendable {
    let channel: Channel
    private let handler: NIOLoopBound<ResponseHandler>

    static func connect(host: String, port: Int, group: EventLoopGroup) async throws -> HTTPConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler())
                }
            }
            .connect(host: host, port: port).get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ResponseHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return HTTPConnection(channel: channel, handler: handler)
    }

    private init(channel: Channel, handler: NIOLoopBound<ResponseHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Sends a POST with prebuilt headers and body; returns status and body.
    func post(target: String?, body: ByteBuffer, path: String = "/", service: String = "kinesis",
              contentType: String = "application/x-amz-json-1.1") async throws -> (Int, ByteBuffer) {
        let handler = self.handler
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<(Int, ByteBuffer)> in
            let promise = channel.eventLoop.makePromise(of: (Int, ByteBuffer).self)
            handler.value.pending.append(promise)
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1")
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "Authorization", value: "AWS4-HMAC-SHA256 Credential=bench/20261123/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=0")
            if let target { headers.add(name: "X-Amz-Target", value: target) }
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }.get()
    }

    /// Any method; the body is collected in memory.
    func request(method: HTTPMethod, path: String, body: ByteBuffer) async throws -> (Int, ByteBuffer) {
        let handler = self.handler
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<(Int, ByteBuffer)> in
            let promise = channel.eventLoop.makePromise(of: (Int, ByteBuffer).self)
            handler.value.pending.append(promise)
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)), promise: nil)
            if body.readableBytes > 0 { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }.get()
    }

    /// PUTs `count` copies of `chunk`, waiting for each write so the client holds one chunk.
    func streamUpload(path: String, chunk: ByteBuffer, count: Int) async throws -> Int {
        let handler = self.handler
        let channel = self.channel
        let promise = try await channel.eventLoop.submit { () -> EventLoopPromise<(Int, ByteBuffer)> in
            let promise = channel.eventLoop.makePromise(of: (Int, ByteBuffer).self)
            handler.value.pending.append(promise)
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1")
            headers.add(name: "Content-Length", value: String(chunk.readableBytes * count))
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .PUT, uri: path, headers: headers)), promise: nil)
            return promise
        }.get()
        for _ in 0..<count {
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(chunk)))
        }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        return try await promise.futureResult.get().0
    }

    /// GETs and counts the body without keeping it.
    func streamDownload(path: String) async throws -> Int {
        let handler = self.handler
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<(Int, ByteBuffer)> in
            let promise = channel.eventLoop.makePromise(of: (Int, ByteBuffer).self)
            handler.value.countOnly = true
            handler.value.pending.append(promise)
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1")
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }.get().1.getInteger(at: 0, as: Int.self) ?? 0
    }

    func close() async { try? await channel.close() }
}

final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    var pending: [EventLoopPromise<(Int, ByteBuffer)>] = []
    /// Count body bytes instead of keeping them (the answer's body is the count).
    var countOnly = false
    private var counted = 0
    private var status = 0
    private var body: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            status = Int(h.status.code)
            body = nil
        case .body(var b):
            if countOnly { counted += b.readableBytes; return }
            if body == nil { body = b } else { body?.writeBuffer(&b) }
        case .end:
            let p = pending.removeFirst()
            if countOnly {
                var count = ByteBuffer()
                count.writeInteger(counted)
                countOnly = false
                counted = 0
                p.succeed((status, count))
                return
            }
            p.succeed((status, body ?? ByteBuffer()))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        for p in pending { p.fail(error) }
        pending = []
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        struct Closed: Error {}
        for p in pending { p.fail(Closed()) }
        pending = []
    }
}
