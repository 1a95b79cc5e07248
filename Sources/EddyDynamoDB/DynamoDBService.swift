import EddyStorage
import EddyWire
import Logging

/// Amazon DynamoDB on the shared port (awsJson 1.0, `DynamoDB_20120810.<Op>`): tables and their
/// items in SQLite, for KCL's lease tables and for the lookups a pipeline makes.
public final class DynamoDBService: AWSService {
    public let recognition = ServiceRecognition(signingName: "dynamodb", displayName: "Amazon DynamoDB",
                                                targetPrefixes: [DynamoDBAPI.targetPrefix])
    let store: TableStore
    let requestTokens = RequestTokens()
    let capacity = ProvisionedCapacity()
    let metrics: (any MetricsSink)?
    let changes: ChangeRecords
    let dispatcher: OperationDispatcher<DynamoDBContext>
    let clock: @Sendable () -> Int64
    /// How long a new table stays CREATING.
    let createMillis: Int64
    let logger: Logger

    static let actions: [any DynamoDBAction.Type] = [
        DynamoDBAPI.CreateTable.self, DynamoDBAPI.DescribeTable.self, DynamoDBAPI.ListTables.self, DynamoDBAPI.DeleteTable.self,
        DynamoDBAPI.PutItem.self, DynamoDBAPI.GetItem.self, DynamoDBAPI.UpdateItem.self, DynamoDBAPI.DeleteItem.self,
        DynamoDBAPI.Query.self, DynamoDBAPI.Scan.self, DynamoDBAPI.UpdateTable.self,
        DynamoDBAPI.TagResource.self, DynamoDBAPI.UntagResource.self, DynamoDBAPI.ListTagsOfResource.self,
        DynamoDBAPI.DescribeTimeToLive.self, DynamoDBAPI.UpdateTimeToLive.self,
        DynamoDBAPI.DescribeContinuousBackups.self, DynamoDBAPI.UpdateContinuousBackups.self,
        DynamoDBAPI.DescribeLimits.self, DynamoDBAPI.DescribeEndpoints.self,
        DynamoDBAPI.BatchWriteItem.self, DynamoDBAPI.BatchGetItem.self,
        DynamoDBAPI.TransactWriteItems.self, DynamoDBAPI.TransactGetItems.self,
        DynamoDBAPI.EnableKinesisStreamingDestination.self, DynamoDBAPI.DisableKinesisStreamingDestination.self,
        DynamoDBAPI.DescribeKinesisStreamingDestination.self,
    ]

    static let description = OperationDispatcher<DynamoDBContext>.Description(
        targetPrefix: DynamoDBAPI.targetPrefix, json: .awsJSON10,
        dialect: WireProtocol.Dialect(errorTypeNamespace: "com.amazonaws.dynamodb.v20120810#"),
        notImplemented: { DynamoDBError.notImplemented($0).awsError })

    /// `root`: the directory holding the service's database. Every write is committed before it
    /// is acknowledged, so it survives the process being killed; `durable` also syncs each commit
    /// to the disk (a power loss).
    /// `streams`: where tables with a Kinesis streaming destination put their changes.
    public init(root: String, durable: Bool, logger: Logger, streams: (any StreamRecordWriter)? = nil,
                metrics: (any MetricsSink)? = nil, createMillis: Int64 = 0,
                clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.metrics = metrics
        changes = ChangeRecords(streams: streams, logger: logger)
        try FileSystem.createDirectory(root)
        store = try TableStore(path: root + "/tables.sqlite", durable: durable)
        self.clock = clock
        self.createMillis = createMillis
        self.logger = logger
        dispatcher = OperationDispatcher(Self.description, operations: DynamoDBAPI.operations,
                                         actions: Self.actions.map { OperationDispatcher<DynamoDBContext>.entry($0) })
    }

    public var healthState: String { "running" }

    /// How many tables there are (for the start-up log).
    public var tableCount: Int { store.allTables().count }

    public func reset() async throws {
        try store.reset()
        capacity.reset()
    }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let recognised = dispatcher.recognise(request.head)
        return dispatcher.handle(request, as: recognised,
                                 context: DynamoDBContext(service: self, request: request.context, now: clock(),
                                                          host: request.head.headers["Host"] ?? "localhost",
                                                          operation: recognised.operation ?? "", started: .now))
    }

    /// Deletes expired items of the tables with time to live enabled, until cancelled.
    public func runTimeToLive(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            do {
                let deleted = try TimeToLive.sweep(store, nowMillis: clock()) { table, old in
                    self.changes.publish(table, old: old, new: nil, at: self.clock(), origin: .timeToLive)
                }
                if deleted > 0 { logger.debug("time to live deleted \(deleted) expired item(s)") }
            } catch {
                logger.warning("time to live: \(error)")
            }
        }
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        dispatcher.errorResponse(error, dispatcher.recognise(head), requestId: head.context.requestId)
    }
}
