import EddyStorage
import EddyWire
import Logging

/// Kinesis Data Streams on the shared port: awsJson 1.1 (and the Java SDK's CBOR) requests with
/// `X-Amz-Target: Kinesis_20131202.<Operation>`, through the shared operation pipeline.
public final class KinesisService: AWSService {
    public let recognition = ServiceRecognition(signingName: "kinesis", displayName: "Amazon Kinesis Data Streams",
                                                targetPrefixes: [KinesisAPI.targetPrefix])
    public let store: StreamStore
    let dispatcher: OperationDispatcher<KinesisContext>
    let subscriptions = SubscriptionRegistry()
    let readers = StreamReaders()
    let subscriptionSettings: KinesisAPI.SubscribeToShard.Settings
    let faults: FaultInjection
    let metrics: (any MetricsSink)?
    let clock: @Sendable () -> Int64
    private let logger: Logger

    static let actions: [any KinesisAction.Type] = [
        KinesisAPI.CreateStream.self, KinesisAPI.DeleteStream.self, KinesisAPI.DescribeStream.self, KinesisAPI.DescribeStreamSummary.self,
        KinesisAPI.ListStreams.self, KinesisAPI.ListShards.self, KinesisAPI.AddTagsToStream.self, KinesisAPI.RemoveTagsFromStream.self,
        KinesisAPI.ListTagsForStream.self, KinesisAPI.TagResource.self, KinesisAPI.UntagResource.self, KinesisAPI.ListTagsForResource.self,
        KinesisAPI.IncreaseStreamRetentionPeriod.self, KinesisAPI.DecreaseStreamRetentionPeriod.self, KinesisAPI.DescribeLimits.self,
        KinesisAPI.PutRecord.self, KinesisAPI.PutRecords.self, KinesisAPI.GetShardIterator.self, KinesisAPI.GetRecords.self,
        KinesisAPI.SplitShard.self, KinesisAPI.MergeShards.self, KinesisAPI.UpdateShardCount.self, KinesisAPI.UpdateStreamMode.self,
        KinesisAPI.RegisterStreamConsumer.self, KinesisAPI.DescribeStreamConsumer.self, KinesisAPI.ListStreamConsumers.self,
        KinesisAPI.DeregisterStreamConsumer.self, KinesisAPI.SubscribeToShard.self,
        KinesisAPI.EnableEnhancedMonitoring.self, KinesisAPI.DisableEnhancedMonitoring.self,
        KinesisAPI.StartStreamEncryption.self, KinesisAPI.StopStreamEncryption.self,
        KinesisAPI.UpdateMaxRecordSize.self, KinesisAPI.UpdateStreamWarmThroughput.self,
        KinesisAPI.PutResourcePolicy.self, KinesisAPI.GetResourcePolicy.self, KinesisAPI.DeleteResourcePolicy.self,
        KinesisAPI.DescribeAccountSettings.self, KinesisAPI.UpdateAccountSettings.self,
    ]

    static let description = OperationDispatcher<KinesisContext>.Description(
        targetPrefix: KinesisAPI.targetPrefix, json: .awsJSON11, kinesisCBOR: true,
        notImplemented: { KinesisError.notImplemented(operation: $0).awsError })

    /// `subscriptionSeconds`: how long a SubscribeToShard stream lasts (AWS: 300).
    public init(store: StreamStore, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis,
                subscriptionSeconds: Int = 300, faults: FaultInjection = FaultInjection(),
                metrics: (any MetricsSink)? = nil) throws {
        self.store = store
        self.faults = faults
        self.metrics = metrics
        subscriptionSettings = KinesisAPI.SubscribeToShard.Settings(lifetime: .seconds(subscriptionSeconds))
        self.logger = logger
        self.clock = clock
        dispatcher = OperationDispatcher(Self.description, operations: KinesisAPI.operations,
                                         actions: Self.actions.map { OperationDispatcher<KinesisContext>.entry($0) })
    }

    public var healthState: String { "running" }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let recognised = dispatcher.recognise(request.head)
        let operation = recognised.operation ?? ""
        if faults.applies(to: operation) && faults.latencyMillis > 0 {
            try? await Task.sleep(for: .milliseconds(faults.latencyMillis))
        }
        if let fault = faults.fault(for: operation) {
            return dispatcher.errorResponse(fault.awsError, recognised, requestId: request.context.requestId)
        }
        let now = clock()
        let context = KinesisContext(store: store, request: request.context, now: now, metrics: KinesisMetrics(sink: metrics, now: now),
                                     subscriptions: subscriptions, subscriptionSettings: subscriptionSettings, clock: clock,
                                     readers: readers, userAgent: request.headers["User-Agent"])
        return dispatcher.handle(request, as: recognised, context: context)
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        dispatcher.errorResponse(error, dispatcher.recognise(head), requestId: head.context.requestId)
    }

    /// Runs retention, deferred deletions and interval fsync until the task is cancelled.
    public func runMaintenance(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            store.maintain(now: clock())
        }
    }
}
