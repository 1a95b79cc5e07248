import EddyStorage
import EddyWire
import Logging

/// Kinesis Data Streams on the shared port: awsJson 1.1 requests with `X-Amz-Target:
/// Kinesis_20131202.<Operation>`, validated against the service model, then one action each.
public final class KinesisService: AWSService {
    public let signingName = "kinesis"
    public let targetPrefix: String? = "Kinesis_20131202"
    public let store: StreamStore
    let validator: ShapeValidator
    let transcoder: ShapeTranscoder
    let subscriptions = SubscriptionRegistry()
    let subscriptionSettings: SubscribeToShard.Settings
    let faults: FaultInjection
    let metrics: (any MetricsSink)?
    let clock: @Sendable () -> Int64
    private let logger: Logger

    static let actions: [String: any KinesisAction.Type] = {
        let all: [any KinesisAction.Type] = [
            CreateStream.self, DeleteStream.self, DescribeStream.self, DescribeStreamSummary.self, ListStreams.self,
            ListShards.self, AddTagsToStream.self, RemoveTagsFromStream.self, ListTagsForStream.self,
            TagResource.self, UntagResource.self, ListTagsForResource.self,
            IncreaseStreamRetentionPeriod.self, DecreaseStreamRetentionPeriod.self, DescribeLimits.self,
            PutRecord.self, PutRecords.self, GetShardIterator.self, GetRecords.self, SplitShard.self, MergeShards.self,
            RegisterStreamConsumer.self, DescribeStreamConsumer.self, ListStreamConsumers.self, DeregisterStreamConsumer.self,
            EnableEnhancedMonitoring.self, DisableEnhancedMonitoring.self, StartStreamEncryption.self, StopStreamEncryption.self,
            UpdateMaxRecordSize.self, UpdateStreamWarmThroughput.self, UpdateStreamMode.self, UpdateShardCount.self,
            PutResourcePolicy.self, GetResourcePolicy.self, DeleteResourcePolicy.self,
            DescribeAccountSettings.self, UpdateAccountSettings.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    /// `subscriptionSeconds`: how long a SubscribeToShard stream lasts (AWS: 300).
    public init(store: StreamStore, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis,
                subscriptionSeconds: Int = 300, faults: FaultInjection = FaultInjection(),
                metrics: (any MetricsSink)? = nil) throws {
        self.store = store
        self.faults = faults
        self.metrics = metrics
        subscriptionSettings = SubscribeToShard.Settings(lifetime: .seconds(subscriptionSeconds))
        self.logger = logger
        self.clock = clock
        let model = try ServiceModel(json: KinesisServiceModel.json)
        validator = ShapeValidator(model: model)
        transcoder = ShapeTranscoder(model: model)
    }

    public var healthState: String { "running" }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let requestId = request.context.requestId
        let cbor = request.headers["Content-Type"]?.hasPrefix(Self.cborContentType) ?? false
        let operation = AWSJSONProtocol.operation(target: request.headers["X-Amz-Target"], prefix: "Kinesis_20131202") ?? ""
        if faults.applies(to: operation) && faults.latencyMillis > 0 {
            try? await Task.sleep(for: .milliseconds(faults.latencyMillis))
        }
        do throws(KinesisError) {
            if let fault = faults.fault(for: operation) { throw fault }
            if operation == "SubscribeToShard" {
                return try SubscribeToShard.start(try context(request, operation: "SubscribeToShard", cbor: cbor),
                                                  registry: subscriptions, settings: subscriptionSettings, clock: clock)
            }
            let body = try respond(request, cbor: cbor)
            guard cbor else { return AWSJSONProtocol.response(body, requestId: requestId) }
            do {
                return AWSJSONProtocol.response(try transcoder.cbor(json: body, operation: operation),
                                                contentType: Self.cborContentType, requestId: requestId)
            } catch {
                throw KinesisError.internalFailure("Could not encode the answer in CBOR: \(error)")
            }
        } catch {
            guard cbor else { return AWSJSONProtocol.errorResponse(error.awsError, requestId: requestId) }
            var response = AWSJSONProtocol.errorResponse(error.awsError, contentType: Self.cborContentType, requestId: requestId)
            response.body = ShapeTranscoder.error(error.awsError)
            return response
        }
    }

    /// The Java SDK v2's default protocol for Kinesis.
    static let cborContentType = "application/x-amz-cbor-1.1"

    /// The operation's JSON answer, or the error to send.
    func respond(_ request: ServiceRequest, cbor: Bool = false) throws(KinesisError) -> [UInt8] {
        let target = request.headers["X-Amz-Target"]
        guard let operation = AWSJSONProtocol.operation(target: target, prefix: "Kinesis_20131202"),
              validator.model.operations[operation] != nil else {
            throw .wire(.unknownOperation(target))
        }
        guard let action = Self.actions[operation] else {
            _ = try context(request, operation: operation, cbor: cbor)
            throw .notImplemented(operation: operation)
        }
        return try action.perform(try context(request, operation: operation, cbor: cbor))
    }

    /// The request's input, checked against the model, with what an action needs.
    func context(_ request: ServiceRequest, operation: String, cbor: Bool) throws(KinesisError) -> ActionContext {
        let input: JSONObject
        do {
            input = cbor ? try Self.parseCBOR(request.body) : try AWSJSONProtocol.parseBody(request.body)
            try validator.validate(input, operation: operation)
        } catch {
            throw .wire(error)
        }
        return ActionContext(store: store, request: request.context, input: input, now: clock(), iteratorKey: store.iteratorKey,
                             metrics: metrics)
    }

    static func parseCBOR(_ body: [UInt8]) throws(AWSError) -> JSONObject {
        if body.isEmpty { return JSONObject() }
        let value: JSONValue
        do { value = try CBOR.decode(body) } catch { throw AWSError.serialization(error.description) }
        guard case .object(let object) = value else { throw AWSError.serialization("Start of structure or map expected") }
        return object
    }

    /// Runs retention, deferred deletions and interval fsync until the task is cancelled.
    public func runMaintenance(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            store.maintain(now: clock())
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
