import EddyWire
import NIOCore
import NIOHTTP1

/// Collects one request (head and body, up to a limit), hands it to the dispatcher and writes
/// the response. NIO's pipelining handler keeps responses in request order.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let dispatcher: RequestDispatcher
    private let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var rejected = false
    private var discarded = 0
    private var inFlight = 0

    init(dispatcher: RequestDispatcher, maxBodyBytes: Int) {
        self.dispatcher = dispatcher
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            rejected = false
            if let length = h.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
                reject(context: context, head: h)
            } else if h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard let h = head else { return }
            if rejected {
                // Keep reading what the client is still sending so it can read the 413 instead of
                // a reset, but not forever.
                discarded += chunk.readableBytes
                if discarded > 4 * maxBodyBytes { context.close(promise: nil) }
                return
            }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                reject(context: context, head: h)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let h = head else { return }
            head = nil
            if rejected {
                context.close(promise: nil)
                return
            }
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            var headers = Headers()
            headers.fields.reserveCapacity(h.headers.count)
            for (name, value) in h.headers { headers.add(name, value) }
            inFlight += 1
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            let dispatcher = self.dispatcher
            let promise = loop.makePromise(of: ServiceResponse.self)
            promise.completeWithTask {
                await dispatcher.dispatch(method: h.method.rawValue, uri: h.uri, headers: headers, body: bytes)
            }
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.inFlight -= 1
                handler.write(response, for: h, context: context)
            }
        }
    }

    private func reject(context: ChannelHandlerContext, head: HTTPRequestHead) {
        rejected = true
        discarded = 0
        body = nil
        let error = AWSError(code: "RequestEntityTooLarge",
                             message: "Request body is larger than the \(maxBodyBytes) bytes Eddy accepts.", status: 413)
        var response = AWSJSONProtocol.errorResponse(error, requestId: RequestId.make())
        response.headers.add("Connection", "close")
        write(response, for: head, context: context, closeAfterWrite: false)
    }

    private func write(_ response: ServiceResponse, for request: HTTPRequestHead, context: ChannelHandlerContext,
                       closeAfterWrite: Bool = true) {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        let keepAlive = request.isKeepAlive && !rejected
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD, !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive && closeAfterWrite {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, inFlight == 0 {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
