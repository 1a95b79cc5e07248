import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS

/// The handlers of each protocol, added once the first bytes (or ALPN) say which it is.
struct Pipelines: Sendable {
    let dispatcher: RequestDispatcher
    let limits: ConnectionLimits
    /// Request bodies buffered by every connection together.
    let bodies: SharedAllowance

    init(dispatcher: RequestDispatcher, limits: ConnectionLimits) {
        self.dispatcher = dispatcher
        self.limits = limits
        bodies = SharedAllowance(limit: limits.maxBufferedBodyBytes)
    }

    func http1(_ channel: Channel, fileRegions: Bool) throws {
        let sync = channel.pipeline.syncOperations
        // Before the decoder, so it sees a head's bytes as they come.
        let deadline = HeadDeadline(timeout: limits.headTimeout)
        try sync.addHandler(deadline)
        try sync.configureHTTPServerPipeline(withErrorHandling: true)
        try sync.addHandler(HTTPRequestHandler(dispatcher: dispatcher, limits: limits, bodies: bodies, headDeadline: deadline,
                                               fileRegions: fileRegions))
    }

    func http2(_ channel: Channel) throws {
        let sync = channel.pipeline.syncOperations
        let dispatcher = self.dispatcher, limits = self.limits, bodies = self.bodies
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = connection.initialSettings.filter { $0.parameter != .maxConcurrentStreams }
            + [HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams)]
        _ = try sync.configureHTTP2Pipeline(mode: .server, connectionConfiguration: connection, streamConfiguration: .init()) { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(HTTPRequestHandler(dispatcher: dispatcher, limits: limits, bodies: bodies, headDeadline: nil,
                                                       fileRegions: false))
            }
        }
        try sync.addHandler(IdleCloser())
    }

    /// TLS, then HTTP/2 or HTTP/1.1 as ALPN decides (HTTP/1.1 when the client offers nothing).
    func tls(_ channel: Channel, context: NIOSSLContext) throws {
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOSSLServerHandler(context: context))
        try sync.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
            channel.eventLoop.makeCompletedFuture {
                if case .negotiated("h2") = result { try http2(channel) } else { try http1(channel, fileRegions: false) }
            }
        })
    }
}
