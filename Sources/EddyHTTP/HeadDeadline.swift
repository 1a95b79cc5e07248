import NIOCore

/// Closes an HTTP/1.1 connection whose request head is not complete `timeout` after its first
/// byte: a client that trickles a head (slowloris) otherwise holds its connection forever, as
/// each byte resets the idle timer. Sits before the HTTP decoder; the request handler says when
/// a head has arrived and when the next one is awaited.
final class HeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var awaitingHead = true
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingHead && timer == nil {
            let channel = context.channel
            timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
        context.fireChannelRead(data)
    }

    func headArrived() {
        timer?.cancel()
        timer = nil
        awaitingHead = false
    }

    func awaitNextHead() { awaitingHead = true }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}
