import EddyWire
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Reads one request at a time: the head picks the route; the body is buffered (up to a limit)
/// or, when the service asks for it, streamed into the service's sink; then the dispatcher
/// answers and the response is written (files with sendfile). NIO's pipelining handler keeps
/// responses in request order.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case buffering(HTTPRequestHead, RequestDispatcher.Route, ByteBuffer?)
        case streaming(HTTPRequestHead, RequestDispatcher.Route, any RequestBodySink, failure: AWSError?)
        /// The answer is already decided (413, a sink failure): read and drop the rest of the body.
        case discarding(HTTPRequestHead, ServiceResponse, dropped: Int)
    }

    private let dispatcher: RequestDispatcher
    private let maxBodyBytes: Int
    private var state = State.idle
    private var inFlight = 0
    /// The producer of a streamed response, cancelled when the client goes away.
    private var streamTask: Task<Void, Never>?
    /// HTTP/2 stream channels cannot send file regions: files are read into memory there.
    private let fileRegions: Bool

    init(dispatcher: RequestDispatcher, maxBodyBytes: Int, fileRegions: Bool = true) {
        self.dispatcher = dispatcher
        self.maxBodyBytes = maxBodyBytes
        self.fileRegions = fileRegions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            var headers = Headers()
            headers.fields.reserveCapacity(h.headers.count)
            for (name, value) in h.headers { headers.add(name, value) }
            let route = dispatcher.route(method: h.method.rawValue, uri: h.uri, headers: headers)
            if let sink = dispatcher.sink(for: route) {
                state = .streaming(h, route, sink, failure: nil)
            } else if let length = h.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
                state = .discarding(h, tooLarge(route), dropped: 0)
                return
            } else {
                state = .buffering(h, route, nil)
            }
            if h.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            switch state {
            case .idle:
                return
            case .buffering(let h, let route, var body):
                if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                    state = .discarding(h, tooLarge(route), dropped: 0)
                    return
                }
                state = .idle  // drop the reference while appending, so the buffer is not copied
                if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
                state = .buffering(h, route, body)
            case .streaming(let h, let route, let sink, let failure):
                guard failure == nil else { return }
                do throws(AWSError) {
                    try chunk.withUnsafeReadableBytes { (bytes) throws(AWSError) in try sink.write(bytes) }
                } catch {
                    sink.abort()
                    state = .streaming(h, route, sink, failure: error)
                }
            case .discarding(let h, let response, let dropped):
                // Keep reading what the client still sends so it can read the answer instead of
                // a reset, but not forever.
                let total = dropped + chunk.readableBytes
                if total > 4 * maxBodyBytes { context.close(promise: nil) }
                state = .discarding(h, response, dropped: total)
            }
        case .end:
            let current = state
            state = .idle
            switch current {
            case .idle:
                return
            case .buffering(let h, let route, let body):
                dispatch(h, route, body: body.map { Array($0.readableBytesView) } ?? [], streamed: nil, context: context)
            case .streaming(let h, let route, let sink, let failure):
                if let failure {
                    write(errorResponse(failure, route), for: h, context: context)
                    return
                }
                do throws(AWSError) {
                    let result = try sink.finish()
                    dispatch(h, route, body: [], streamed: result, context: context)
                } catch {
                    sink.abort()
                    write(errorResponse(error, route), for: h, context: context)
                }
            case .discarding(let h, let response, _):
                write(response, for: h, context: context, forceClose: true)
            }
        }
    }

    private func dispatch(_ h: HTTPRequestHead, _ route: RequestDispatcher.Route, body: [UInt8], streamed: (any Sendable)?,
                          context: ChannelHandlerContext) {
        inFlight += 1
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let dispatcher = self.dispatcher
        let promise = loop.makePromise(of: ServiceResponse.self)
        promise.completeWithTask {
            await dispatcher.dispatch(route, body: body, streamed: streamed)
        }
        promise.futureResult.whenSuccess { response in
            let (handler, context) = bound.value
            handler.inFlight -= 1
            handler.write(response, for: h, context: context)
        }
    }

    private func tooLarge(_ route: RequestDispatcher.Route) -> ServiceResponse {
        errorResponse(AWSError(code: "RequestEntityTooLarge",
                               message: "Request body is larger than the \(maxBodyBytes) bytes Eddy accepts.", status: 413), route)
    }

    private func errorResponse(_ error: AWSError, _ route: RequestDispatcher.Route) -> ServiceResponse {
        if case .service(let service) = route.target, let formatted = service.errorResponse(error, requestId: route.head.context.requestId) {
            return formatted
        }
        return AWSJSONProtocol.errorResponse(error, requestId: route.head.context.requestId)
    }

    private func write(_ response: ServiceResponse, for request: HTTPRequestHead, context: ChannelHandlerContext,
                       forceClose: Bool = false) {
        if let stream = response.stream {
            writeStream(response, stream, for: request, context: context)
            return
        }
        if let file = response.file, !fileRegions {
            var response = response
            response.file = nil
            response.body = Self.read(file)
            if response.body.count != file.length {
                // The file shrank under us: better no answer than a wrong one.
                context.close(promise: nil)
                return
            }
            return write(response, for: request, context: context, forceClose: forceClose)
        }
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.contentLength))
        let keepAlive = request.isKeepAlive && !forceClose
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if let file = response.file {
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.descriptor)
            if request.method != .HEAD, file.length > 0 {
                let region = FileRegion(fileHandle: handle, readerIndex: file.offset, endIndex: file.offset + file.length)
                context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            }
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            done.whenComplete { _ in try? handle.close() }
            if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
            return
        }
        if request.method != .HEAD, !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
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
        inFlight += 1
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
                handler.inFlight -= 1
                let done = context.writeAndFlush(handler.wrapOutboundOut(.end(nil)))
                if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
            }
        }
    }

    static func read(_ file: FileBody) -> [UInt8] {
        defer { Glibc.close(file.descriptor) }
        var bytes = [UInt8](repeating: 0, count: file.length)
        var done = 0
        while done < file.length {
            let n = bytes.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress! + done, file.length - done, off_t(file.offset + done)) }
            if n <= 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, inFlight == 0 {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamTask?.cancel()
        streamTask = nil
        if case .streaming(_, _, let sink, _) = state { sink.abort() }
        state = .idle
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
