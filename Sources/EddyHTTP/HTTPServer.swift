import EddyWire
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS
import NIOPosix
import Synchronization

/// The one port every service is served on: HTTP/1.1 (keep-alive, pipelining) and HTTP/2 with
/// prior knowledge (h2c), told apart by the first bytes of each connection.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Larger bodies get 413 before they are buffered.
        public var maxBodyBytes: Int
        /// A connection that sends nothing for this long is closed (slow or abandoned clients).
        public var idleTimeout: TimeAmount

        public init(host: String = "127.0.0.1", port: Int = 4566, maxBodyBytes: Int = 16 << 20,
                    idleTimeout: TimeAmount = .seconds(60)) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.idleTimeout = idleTimeout
        }
    }

    public let configuration: Configuration
    let handler: RequestDispatcher
    let group: MultiThreadedEventLoopGroup
    let logger: Logger

    /// With a TLS context, connections that open with a TLS handshake are served over TLS on
    /// the same port, ALPN choosing h2 or http/1.1.
    let tls: NIOSSLContext?

    public init(configuration: Configuration, router: ServiceRouter, admin: AdminEndpoints, logger: Logger,
                tls: TLSFiles? = nil, threads: Int = System.coreCount) throws {
        self.configuration = configuration
        self.tls = try tls.map { try $0.makeContext() }
        self.handler = RequestDispatcher(router: router, admin: admin, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.logger = logger
    }

    /// Binds the port; returns the bound channel (its local address has the real port when 0 was asked).
    public func start() async throws -> Channel {
        let pipelines = Pipelines(dispatcher: handler, maxBodyBytes: configuration.maxBodyBytes)
        let idle = configuration.idleTimeout
        let http1: @Sendable (Channel) throws -> Void = { try pipelines.http1($0, fileRegions: true) }
        let http2: @Sendable (Channel) throws -> Void = { try pipelines.http2($0) }
        var tls: (@Sendable (Channel) throws -> Void)?
        if let context = self.tls {
            tls = { channel in try pipelines.tls(channel, context: context) }
        }
        let tlsConfigurator = tls
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ProtocolSniffer(http1: http1, http2: http2, tls: tlsConfigurator))
                }
            }
        return try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
    }

    /// Waits (up to `timeout`) for requests already being served, then stops the event loops.
    /// Close the listening channel first so no new connections arrive.
    public func shutdown(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while handler.inFlight.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        // Let the last responses leave the socket buffers' event loop.
        try? await Task.sleep(for: .milliseconds(20))
        try await group.shutdownGracefully()
    }
}

/// A PEM certificate chain and private key to serve TLS with.
public struct TLSFiles: Sendable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        configuration.applicationProtocols = ["h2", "http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }
}

/// The handlers of each protocol, added once the first bytes (or ALPN) say which it is.
struct Pipelines: Sendable {
    let dispatcher: RequestDispatcher
    let maxBodyBytes: Int

    func http1(_ channel: Channel, fileRegions: Bool) throws {
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(withErrorHandling: true)
        try sync.addHandler(HTTPRequestHandler(dispatcher: dispatcher, maxBodyBytes: maxBodyBytes, fileRegions: fileRegions))
    }

    func http2(_ channel: Channel) throws {
        let sync = channel.pipeline.syncOperations
        let dispatcher = self.dispatcher, maxBodyBytes = self.maxBodyBytes
        _ = try sync.configureHTTP2Pipeline(mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()) { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(HTTPRequestHandler(dispatcher: dispatcher, maxBodyBytes: maxBodyBytes, fileRegions: false))
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
