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
        public var limits: ConnectionLimits

        public init(host: String = "127.0.0.1", port: Int = 4566, limits: ConnectionLimits = ConnectionLimits()) {
            self.host = host
            self.port = port
            self.limits = limits
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
        self.handler = RequestDispatcher(router: router, admin: admin, logger: logger, maxBodyBytes: configuration.limits.maxBodyBytes)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.logger = logger
    }

    /// Binds the port; returns the bound channel (its local address has the real port when 0 was asked).
    public func start() async throws -> Channel {
        let limits = configuration.limits
        let pipelines = Pipelines(dispatcher: handler, limits: limits)
        let connections = SharedAllowance(limit: limits.maxConnections)
        let refusals = RefusalCount()
        let logger = self.logger
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
                guard connections.take(1) else {
                    // Over the limit: the connection is closed as it arrives (no request is read).
                    if refusals.refuse() {
                        logger.warning("connection limit reached: \(limits.maxConnections) connections are open (--max-connections); new ones are closed")
                    }
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in
                    connections.give(1)
                    let refused = refusals.settle()
                    if refused > 0 { logger.notice("connection limit: \(refused) connections were refused while it was reached") }
                }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
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
