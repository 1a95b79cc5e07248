import ArgumentParser
import EddyConsole
import EddyHTTP
import EddyCloudWatch
import EddyDynamoDB
import EddyFirehose
import EddyKinesis
import EddyS3
import EddyStorage
import EddyWire
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (the default command).")

    @Option(help: "Address to listen on. [EDDY_HOST]")
    var host: String = Environment.string("EDDY_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one). [EDDY_PORT]")
    var port: Int = Environment.int("EDDY_PORT") ?? 4566

    @Option(help: "Where streams and records are stored. [EDDY_DATA_DIR]")
    var dataDir: String = Environment.string("EDDY_DATA_DIR") ?? "./.eddy"

    @Flag(help: "Keep everything in a temporary directory removed at exit (for tests). [EDDY_EPHEMERAL=1]")
    var ephemeral: Bool = Environment.bool("EDDY_EPHEMERAL")

    @Option(help: "Account for requests whose access key id is not 12 digits. [EDDY_ACCOUNT_ID]")
    var accountId: String = Environment.string("EDDY_ACCOUNT_ID") ?? "000000000000"

    @Option(help: "Region for unsigned requests. [EDDY_REGION]")
    var region: String = Environment.string("EDDY_REGION") ?? "us-east-1"

    @Option(help: "Open shards allowed per account and region. [EDDY_SHARD_LIMIT]")
    var shardLimit: Int = Environment.int("EDDY_SHARD_LIMIT") ?? 500

    @Option(help: """
        When records reach the disk: always (fsync before acknowledging; survives power loss), \
        interval (fsync every --fsync-interval-ms; a power loss can lose that much), \
        never (the OS decides). A crash of Eddy itself loses no acknowledged record in any mode. [EDDY_FSYNC]
        """)
    var fsync: FsyncPolicy = Environment.string("EDDY_FSYNC").flatMap(FsyncPolicy.init(rawValue:)) ?? .interval

    @Option(help: "Interval for --fsync interval, in milliseconds. [EDDY_FSYNC_INTERVAL_MS]")
    var fsyncIntervalMs: Int = Environment.int("EDDY_FSYNC_INTERVAL_MS") ?? 1000

    @Option(help: "How long a new stream stays CREATING, in milliseconds. [EDDY_CREATE_STREAM_MS]")
    var createStreamMs: Int = Environment.int("EDDY_CREATE_STREAM_MS") ?? 50

    @Option(help: "How long a deleted stream stays DELETING, in milliseconds. [EDDY_DELETE_STREAM_MS]")
    var deleteStreamMs: Int = Environment.int("EDDY_DELETE_STREAM_MS") ?? 50

    @Option(help: "How long a stream stays UPDATING, in milliseconds. [EDDY_UPDATE_STREAM_MS]")
    var updateStreamMs: Int = Environment.int("EDDY_UPDATE_STREAM_MS") ?? 50

    @Option(help: "How long a new DynamoDB table stays CREATING, in milliseconds. With 0 CreateTable still answers CREATING and the next request finds the table ACTIVE, so an SDK waiter (polling every 20 s) returns at its first look. [EDDY_CREATE_TABLE_MS]")
    var createTableMs: Int = Environment.int("EDDY_CREATE_TABLE_MS") ?? 0

    @Flag(help: "Turn off the web console at /_eddy/. [EDDY_NO_CONSOLE=1]")
    var noConsole: Bool = Environment.bool("EDDY_NO_CONSOLE")

    @Flag(help: "Enforce AWS's per-shard throughput limits (1 MiB/s and 1,000 records/s in, 2 MiB/s and 5 reads/s out). [EDDY_THROUGHPUT_LIMITS=1]")
    var throughputLimits: Bool = Environment.bool("EDDY_THROUGHPUT_LIMITS")

    @Option(help: "Fault injection: share of Kinesis calls answered with a throttling error (0–1). [EDDY_FAULT_THROTTLE]")
    var faultThrottle: Double = Environment.string("EDDY_FAULT_THROTTLE").flatMap(Double.init) ?? 0

    @Option(help: "Fault injection: share of Kinesis calls answered with InternalFailureException (0–1). [EDDY_FAULT_ERROR]")
    var faultError: Double = Environment.string("EDDY_FAULT_ERROR").flatMap(Double.init) ?? 0

    @Option(help: "Fault injection: latency added to each Kinesis call, in milliseconds. [EDDY_FAULT_LATENCY_MS]")
    var faultLatencyMs: Int = Environment.int("EDDY_FAULT_LATENCY_MS") ?? 0

    @Option(help: "Fault injection: the operations it applies to, comma-separated (default: all). [EDDY_FAULT_OPERATIONS]")
    var faultOperations: String = Environment.string("EDDY_FAULT_OPERATIONS") ?? ""

    @Option(help: "PEM certificate: with --tls-key, TLS (ALPN h2/http1.1) is served on the same port. scripts/gen-cert.sh makes a pair for localhost. [EDDY_TLS_CERT]")
    var tlsCert: String? = Environment.string("EDDY_TLS_CERT")

    @Option(help: "PEM private key for --tls-cert. [EDDY_TLS_KEY]")
    var tlsKey: String? = Environment.string("EDDY_TLS_KEY")

    @Option(help: "Seconds a connection with nothing in flight may send nothing before it is closed. [EDDY_IDLE_TIMEOUT]")
    var idleTimeout: Int = Environment.int("EDDY_IDLE_TIMEOUT") ?? 60

    @Option(help: "Seconds a request head may take from its first byte (slow clients are closed). [EDDY_HEAD_TIMEOUT]")
    var headTimeout: Int = Environment.int("EDDY_HEAD_TIMEOUT") ?? 10

    @Option(help: "Connections open at once; more are closed as they arrive. [EDDY_MAX_CONNECTIONS]")
    var maxConnections: Int = Environment.int("EDDY_MAX_CONNECTIONS") ?? 1024

    @Option(help: "Largest request body buffered, in MiB (S3 uploads stream to disk and may be larger). [EDDY_MAX_BODY_MB]")
    var maxBodyMb: Int = Environment.int("EDDY_MAX_BODY_MB") ?? 16

    @Option(help: "Request bodies buffered at once by all connections together, in MiB; past it requests get 503. [EDDY_MAX_BUFFERED_MB]")
    var maxBufferedMb: Int = Environment.int("EDDY_MAX_BUFFERED_MB") ?? 256

    @Option(help: "Seconds between runs of the S3 lifecycle rules (S3 runs them once a day). [EDDY_LIFECYCLE_INTERVAL]")
    var lifecycleInterval: Double = Environment.string("EDDY_LIFECYCLE_INTERVAL").flatMap(Double.init) ?? 3600

    @Option(help: "Seconds between evaluations of standard CloudWatch alarms (CloudWatch: 60; high-resolution alarms run every 10 s, or as often when this is shorter). [EDDY_ALARM_INTERVAL]")
    var alarmInterval: Int = Environment.string("EDDY_ALARM_INTERVAL").flatMap { Int($0) } ?? 60

    @Option(help: "Seconds in a lifecycle rule's day, so tests can watch 'Days' rules act (default a real day). [EDDY_LIFECYCLE_DAY_SECONDS]")
    var lifecycleDaySeconds: Double = Environment.string("EDDY_LIFECYCLE_DAY_SECONDS").flatMap(Double.init) ?? 86_400

    @Option(help: "Seconds an S3 RestoreObject of an archived object takes (S3 takes hours). [EDDY_RESTORE_SECONDS]")
    var restoreSeconds: Double = Environment.string("EDDY_RESTORE_SECONDS").flatMap(Double.init) ?? 1

    @Option(help: "Signatures: 'any' takes any credentials (the default); 'verify' checks SigV4 against --credentials. [EDDY_AUTH]")
    var auth: AuthMode = Environment.string("EDDY_AUTH").flatMap(AuthMode.init(rawValue:)) ?? .any

    @Option(help: "Access keys for --auth verify: AKID:SECRET[:ACCOUNT],… [EDDY_CREDENTIALS]")
    var credentials: String? = Environment.string("EDDY_CREDENTIALS")

    @Option(help: "Log level: trace, debug, info, notice, warning, error. [EDDY_LOG_LEVEL]")
    var logLevel: String = Environment.string("EDDY_LOG_LEVEL") ?? "info"

    func run() async throws {
        for (name, value) in [("--idle-timeout", idleTimeout), ("--head-timeout", headTimeout), ("--max-connections", maxConnections),
                              ("--max-body-mb", maxBodyMb), ("--max-buffered-mb", maxBufferedMb)] where !(1...1_000_000).contains(value) {
            throw ValidationErrorText("\(name) must be between 1 and 1000000 (got \(value))")
        }
        for (name, value) in [("--create-stream-ms", createStreamMs), ("--delete-stream-ms", deleteStreamMs),
                              ("--update-stream-ms", updateStreamMs), ("--create-table-ms", createTableMs)] where !(0...3_600_000).contains(value) {
            throw ValidationErrorText("\(name) must be between 0 and 3600000 (got \(value))")
        }
        guard alarmInterval >= 1 && alarmInterval <= 3600 else {
            throw ValidationErrorText("--alarm-interval must be between 1 and 3600 seconds (got \(alarmInterval))")
        }
        for (name, value) in [("--lifecycle-interval", lifecycleInterval), ("--lifecycle-day-seconds", lifecycleDaySeconds),
                              ("--restore-seconds", max(restoreSeconds, 0.01))]
        where !(value >= 0.01 && value <= 1e9) {
            throw ValidationErrorText("\(name) must be between 0.01 and 1000000000 seconds (got \(value))")
        }
        let limits = ConnectionLimits(idleTimeout: .seconds(Int64(idleTimeout)), headTimeout: .seconds(Int64(headTimeout)),
                                      maxConnections: maxConnections, maxBodyBytes: maxBodyMb << 20,
                                      maxBufferedBodyBytes: max(maxBufferedMb, maxBodyMb) << 20)
        let authentication: Authentication
        switch auth {
        case .any:
            authentication = .any
        case .verify:
            guard let credentials, !credentials.isEmpty else { throw ValidationErrorText("--auth verify needs --credentials AKID:SECRET[:ACCOUNT],…") }
            do {
                authentication = .verify(try Credentials(parsing: credentials, defaultAccount: accountId))
            } catch {
                throw ValidationErrorText("--credentials: \(error)")
            }
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = ConsoleLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "eddy")
        if let files = OpenFileLimit.raise(toHold: maxConnections), files < UInt64(maxConnections) + OpenFileLimit.reserve {
            logger.warning("the system allows \(files) open files, fewer than --max-connections \(maxConnections) needs; connections past it fail")
        }

        let root = ephemeral ? try TemporaryDirectory.make() : dataDir
        let lifecycle = Lifecycle(logger: logger, ephemeralRoot: ephemeral ? root : nil)
        try FileSystem.createDirectory(root)

        let store = try StreamStore(
            configuration: .init(root: root + "/kinesis",
                                 log: LogConfiguration(fsync: fsync),
                                 timing: StreamTiming(createMillis: Int64(createStreamMs), deleteMillis: Int64(deleteStreamMs),
                                                      updateMillis: Int64(updateStreamMs)),
                                 shardLimit: shardLimit, enforceThroughput: throughputLimits),
            logger: Logger(label: "eddy.kinesis"))
        let faults = FaultInjection(throttleProbability: faultThrottle, errorProbability: faultError, latencyMillis: faultLatencyMs,
                                    operations: Set(faultOperations.split(separator: ",").map { String($0).trimmingWhitespace }))
        let metrics = try MetricStore(path: root + "/cloudwatch.sqlite")
        let cloudwatch = try CloudWatchService(store: metrics, alarms: try AlarmStore(path: root + "/cloudwatch-alarms.sqlite", durable: fsync == .always),
                                               logger: Logger(label: "eddy.cloudwatch"))
        let kinesis = try KinesisService(store: store, logger: Logger(label: "eddy.kinesis"), faults: faults, metrics: metrics)
        let s3 = S3Service(store: try ObjectStore(root: root + "/s3", durable: fsync == .always), syncWrites: fsync == .always,
                           logger: Logger(label: "eddy.s3"), clock: WallClock.nowMillis, restoreMillis: Int64(restoreSeconds * 1000),
                           lifecycleDayMillis: Int64(lifecycleDaySeconds * 1000),
                           verifyingCredentials: { if case .verify(let keys) = authentication { return keys } else { return nil } }())
        let firehose = try FirehoseService(store: try DeliveryStore(root: root + "/firehose", log: LogConfiguration(fsync: fsync)),
                                           objects: s3, source: kinesis, logger: Logger(label: "eddy.firehose"), metrics: metrics)
        let dynamodb = try DynamoDBService(root: root + "/dynamodb", durable: fsync == .always, logger: Logger(label: "eddy.dynamodb"),
                                           streams: kinesis, metrics: metrics, createMillis: Int64(createTableMs))
        let services: [any AWSService] = [kinesis, s3, cloudwatch, firehose, dynamodb]

        let router = ServiceRouter(configuration: .init(defaultRegion: region, defaultAccountId: accountId, authentication: authentication),
                                   services: services)
        var tls: TLSFiles?
        if let tlsCert, let tlsKey {
            tls = TLSFiles(certificatePath: tlsCert, keyPath: tlsKey)
        } else if tlsCert != nil || tlsKey != nil {
            throw ValidationErrorText("--tls-cert and --tls-key go together")
        }
        var console: WebConsole?
        if !noConsole {
            let facts = WebConsole.Facts(version: Eddy.version, dataDirectory: ephemeral ? "(ephemeral) " + root : root,
                                      startedMillis: WallClock.nowMillis(), defaultRegion: region, defaultAccountId: accountId,
                                      diskUsage: { FileSystem.size(of: root) })
            var verifying: Credentials?
            if case .verify(let keys) = authentication { verifying = keys }
            console = WebConsole(services: services, facts: facts, hosts: [host], credentials: verifying)
        }
        let server = try HTTPServer(configuration: .init(host: host, port: port, limits: limits), router: router,
                                    admin: AdminEndpoints(services: services, version: Eddy.version,
                                                         prometheus: { ((try? metrics.prometheusText()) ?? "") + cloudwatch.alarmPrometheusText() },
                                                         site: console),
                                    logger: logger, tls: tls)
        let channel = try await server.start()
        let boundPort = channel.localAddress?.port ?? port

        logger.info("data dir \(root)\(ephemeral ? " (ephemeral)" : "")")
        let summary = store.summary
        logger.info("recovered \(summary.streams) stream(s), \(summary.shards) shard(s), \(summary.records) record(s); \(dynamodb.tableCount) DynamoDB table(s)")
        if throughputLimits { logger.info("per-shard throughput limits enforced") }
        if case .verify(let keys) = authentication {
            logger.info("signatures verified (SigV4) for \(keys.count) access key\(keys.count == 1 ? "" : "s"); /_eddy/reset is off")
        } else if !Self.isLoopback(host) {
            logger.warning("listening on \(host) with any credentials accepted: anyone who can reach it can read and change everything; use --auth verify --credentials … on a shared network")
        }
        if faults.isActive {
            logger.info("fault injection: throttle \(faultThrottle), errors \(faultError), +\(faultLatencyMs) ms on \(faultOperations.isEmpty ? "all operations" : faultOperations)")
        }
        logger.info("fsync \(fsync.rawValue)\(fsync == .interval ? " every \(fsyncIntervalMs) ms" : "")")
        logger.info("listening on http://\(host):\(boundPort)\(tls != nil ? " and https://\(host):\(boundPort)" : "") (HTTP/1.1 and h2\(tls != nil ? "" : "c")); serving kinesis, firehose, s3, cloudwatch, dynamodb")
        if !noConsole { logger.info("console at http://\(Self.isLoopback(host) || host == "0.0.0.0" ? "127.0.0.1" : host):\(boundPort)/_eddy/") }
        lifecycle.installSignalHandlers()
        Console.write("Ready.\n", to: STDOUT_FILENO)

        let maintenance = Task { await kinesis.runMaintenance(every: Int64(fsync == .interval ? fsyncIntervalMs : 1000)) }
        let metricsMaintenance = Task { await cloudwatch.runMaintenance() }
        let alarmEvaluation = Task { await cloudwatch.runAlarmEvaluation(standardSeconds: alarmInterval) }
        let deliveries = Task { await firehose.runDelivery() }
        let expiries = Task { await dynamodb.runTimeToLive() }
        let objectLifecycle = Task {
            await s3.runLifecycle(every: Int64(lifecycleInterval * 1000))
        }
        await lifecycle.waitForSignal()
        logger.info("shutting down: no new connections, finishing requests in flight")
        try? await channel.close()
        maintenance.cancel()
        metricsMaintenance.cancel()
        alarmEvaluation.cancel()
        deliveries.cancel()
        expiries.cancel()
        objectLifecycle.cancel()
        firehose.flush()
        try? metrics.flush()
        try? await server.shutdown()
        store.syncAll()
        lifecycle.cleanUp()
        logger.info("stopped")
    }
}

extension FsyncPolicy: ExpressibleByArgument {}

enum AuthMode: String, ExpressibleByArgument, Sendable {
    case any, verify
}

extension Serve {
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
