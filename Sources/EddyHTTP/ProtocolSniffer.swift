import NIOCore
import NIOHTTP1
import NIOHTTP2

/// The first handler of every connection: HTTP/2 with prior knowledge (h2c, what the Java SDK's
/// async client sends on an http:// endpoint) starts with a fixed preface, TLS with a handshake
/// record; anything else is HTTP/1.1. Once it knows, it installs that protocol's handlers, passes on what it read and
/// removes itself, so one port serves both.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let http1: @Sendable (Channel) throws -> Void
    private let http2: @Sendable (Channel) throws -> Void
    private let tls: (@Sendable (Channel) throws -> Void)?
    private var buffered: ByteBuffer?

    init(http1: @escaping @Sendable (Channel) throws -> Void, http2: @escaping @Sendable (Channel) throws -> Void,
         tls: (@Sendable (Channel) throws -> Void)? = nil) {
        self.http1 = http1
        self.http2 = http2
        self.tls = tls
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        var seen = buffered ?? context.channel.allocator.buffer(capacity: incoming.readableBytes)
        buffered = nil
        seen.writeBuffer(&incoming)
        let bytes = seen.readableBytesView
        let n = min(bytes.count, Self.preface.count)
        let configure: @Sendable (Channel) throws -> Void
        if bytes.first == 0x16 {
            // A TLS handshake record.
            guard let tls else { context.close(promise: nil); return }
            configure = tls
        } else if !bytes.prefix(n).elementsEqual(Self.preface.prefix(n)) {
            configure = http1
        } else if bytes.count >= Self.preface.count {
            configure = http2
        } else {
            buffered = seen
            return  // a prefix of the preface: wait for more
        }
        do {
            try configure(context.channel)
        } catch {
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(wrapInboundOut(seen))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        buffered = nil
        context.fireChannelInactive()
    }

    /// A connection that has not said which protocol it speaks within the idle timeout (it sent
    /// nothing, or part of the HTTP/2 preface) is closed.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Closes an idle HTTP/2 connection, but not one with a stream open: a SubscribeToShard event
/// stream may be quiet for longer than the idle timeout while its client only pings. Sits after
/// the HTTP/2 handler, which announces streams opening and closing.
final class IdleCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var openStreams = 0

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is NIOHTTP2StreamCreatedEvent:
            openStreams += 1
        case is StreamClosedEvent:
            openStreams = max(0, openStreams - 1)
        case is IdleStateHandler.IdleStateEvent where openStreams == 0:
            context.close(promise: nil)
            return
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }
}
