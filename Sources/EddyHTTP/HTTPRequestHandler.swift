import EddyWire
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Performs what `HTTPRequestStateMachine` decides: routes a head, feeds a streaming sink,
/// dispatches complete requests off the event loop and writes their answers (files with
/// sendfile, event streams as they are produced).
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let dispatcher: RequestDispatcher
    private var machine: HTTPRequestStateMachine
    /// Request bodies buffered by all connections together.
    private let bodies: SharedAllowance
    private let headDeadline: HeadDeadline?
    /// The producer of a streamed response, cancelled when the client goes away.
    private var streamTask: Task<Void, Never>?
    /// HTTP/2 and TLS channels cannot send file regions: files are sent in chunks there.
    private let fileRegions: Bool

    init(dispatcher: RequestDispatcher, limits: ConnectionLimits, bodies: SharedAllowance, headDeadline: HeadDeadline?,
         fileRegions: Bool = true) {
        self.dispatcher = dispatcher
        self.machine = HTTPRequestStateMachine(maxBodyBytes: limits.maxBodyBytes)
        self.bodies = bodies
        self.headDeadline = headDeadline
        self.fileRegions = fileRegions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            headDeadline?.headArrived()
            var headers = Headers()
            headers.fields.reserveCapacity(h.headers.count)
            for (name, value) in h.headers { headers.add(name, value) }
            let request = HTTPRequestStateMachine.Request(head: h, route: dispatcher.route(method: h.method.rawValue, uri: h.uri, headers: headers))
            switch machine.receivedHead(request, sink: dispatcher.sink(for: request.route)) {
            case .readBody(sendContinue: true):
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            case .readBody(sendContinue: false), .refuseBody:
                break
            }
        case .body(var chunk):
            let bodies = self.bodies
            switch machine.receivedBody(&chunk, take: { bodies.take($0) }) {
            case .none:
                break
            case .release(let n):
                bodies.give(n)
            case .writeToSink(let sink):
                do throws(AWSError) {
                    try chunk.withUnsafeReadableBytes { (bytes) throws(AWSError) in try sink.write(bytes) }
                } catch {
                    sink.abort()
                    machine.sinkFailed(error)
                }
            case .close:
                context.close(promise: nil)
            }
        case .end:
            headDeadline?.awaitNextHead()
            switch machine.receivedEnd() {
            case .none:
                break
            case .dispatch(let request, let body, let reserved):
                dispatch(request, body: body, streamed: nil, reserved: reserved, context: context)
            case .finishSink(let request, let sink):
                do throws(AWSError) {
                    let result = try sink.finish()
                    dispatch(request, body: [], streamed: result, reserved: 0, context: context)
                } catch {
                    sink.abort()
                    write(dispatcher.errorResponse(error, request.route), for: request.head, context: context)
                }
            case .answer(let request, let error, let close):
                write(dispatcher.errorResponse(error, request.route), for: request.head, context: context, forceClose: close)
            }
        }
    }

    private func dispatch(_ request: HTTPRequestStateMachine.Request, body: [UInt8], streamed: (any Sendable)?, reserved: Int,
                          context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let dispatcher = self.dispatcher
        let route = request.route
        let promise = loop.makePromise(of: ServiceResponse.self)
        promise.completeWithTask {
            await dispatcher.dispatch(route, body: body, streamed: streamed)
        }
        let bodies = self.bodies
        promise.futureResult.whenSuccess { response in
            bodies.give(reserved)
            let (handler, context) = bound.value
            handler.write(response, for: request.head, context: context)
        }
    }

    /// Writes an answer and counts it written (a streamed one once its producer is done).
    private func write(_ response: ServiceResponse, for request: HTTPRequestHead, context: ChannelHandlerContext,
                       forceClose: Bool = false) {
        if let stream = response.stream {
            writeStream(response, stream, for: request, context: context)
            return
        }
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.contentLength))
        let keepAlive = request.isKeepAlive && !forceClose
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if let file = response.file, !fileRegions {
            // In chunks, each written before the next is read: memory stays at one chunk
            // however large the file and however slowly the client reads.
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.descriptor)
            sendChunks(of: file, handle, from: file.offset, remaining: request.method == .HEAD ? 0 : file.length,
                       keepAlive: keepAlive, context: context)
            return
        }
        defer { machine.answerWritten() }
        let done: EventLoopFuture<Void>
        if let file = response.file {
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.descriptor)
            if request.method != .HEAD, file.length > 0 {
                let region = FileRegion(fileHandle: handle, readerIndex: file.offset, endIndex: file.offset + file.length)
                context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            }
            done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            done.whenComplete { _ in try? handle.close() }
        } else {
            if request.method != .HEAD, !response.body.isEmpty {
                var buffer = context.channel.allocator.buffer(capacity: response.body.count)
                buffer.writeBytes(response.body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        }
        if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
    }

    static let fileChunkBytes = 256 << 10

    private func sendChunks(of file: FileBody, _ handle: NIOFileHandle, from offset: Int, remaining: Int, keepAlive: Bool,
                            context: ChannelHandlerContext) {
        guard remaining > 0 else {
            try? handle.close()
            machine.answerWritten()
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
            return
        }
        let want = min(remaining, Self.fileChunkBytes)
        var buffer = context.channel.allocator.buffer(capacity: want)
        let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return max(0, pread(file.descriptor, base, want, off_t(offset)))
        }
        guard n > 0 else {
            // The file shrank under us: better no answer than a wrong one.
            try? handle.close()
            machine.answerWritten()
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success:
                handler.sendChunks(of: file, handle, from: offset + n, remaining: remaining - n, keepAlive: keepAlive, context: context)
            case .failure:
                try? handle.close()
                handler.machine.answerWritten()
            }
        }
    }

    /// Writes the head now and the body as the producer makes it; the connection counts as busy
    /// (no idle close) until the producer is done.
    private func writeStream(_ response: ServiceResponse, _ stream: ResponseStream, for request: HTTPRequestHead,
                             context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let keepAlive = request.isKeepAlive
        let writer = ResponseStreamWriter { bytes in
            try await loop.flatSubmit { () -> EventLoopFuture<Void> in
                let (handler, context) = bound.value
                var buffer = context.channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                return context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(buffer))))
            }.get()
        }
        streamTask = Task {
            await stream.produce(writer)
            loop.execute {
                let (handler, context) = bound.value
                handler.machine.answerWritten()
                let done = context.writeAndFlush(handler.wrapOutboundOut(.end(nil)))
                if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, machine.closesWhenIdle {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamTask?.cancel()
        streamTask = nil
        let (sink, reserved) = machine.channelInactive()
        sink?.abort()
        bodies.give(reserved)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
