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
    let clock: @Sendable () -> Int64
    private let logger: Logger

    static let actions: [String: any KinesisAction.Type] = {
        let all: [any KinesisAction.Type] = [
            CreateStream.self, DeleteStream.self, DescribeStream.self, DescribeStreamSummary.self, ListStreams.self,
            ListShards.self, AddTagsToStream.self, RemoveTagsFromStream.self, ListTagsForStream.self,
            TagResource.self, UntagResource.self, ListTagsForResource.self,
            IncreaseStreamRetentionPeriod.self, DecreaseStreamRetentionPeriod.self, DescribeLimits.self,
            PutRecord.self, PutRecords.self, GetShardIterator.self, GetRecords.self, SplitShard.self, MergeShards.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    public init(store: StreamStore, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.logger = logger
        self.clock = clock
        validator = ShapeValidator(model: try ServiceModel(json: KinesisServiceModel.json))
    }

    public var healthState: String { "running" }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let requestId = request.context.requestId
        do {
            let body = try respond(request)
            return AWSJSONProtocol.response(body, requestId: requestId)
        } catch {
            return AWSJSONProtocol.errorResponse(error.awsError, requestId: requestId)
        }
    }

    /// The operation's JSON answer, or the error to send.
    func respond(_ request: ServiceRequest) throws(KinesisError) -> [UInt8] {
        let target = request.headers["X-Amz-Target"]
        guard let operation = AWSJSONProtocol.operation(target: target, prefix: "Kinesis_20131202"),
              validator.model.operations[operation] != nil else {
            throw .wire(.unknownOperation(target))
        }
        if let type = request.headers["Content-Type"], type.contains("cbor") {
            throw .wire(AWSError(code: "NotImplemented",
                                 message: "Eddy does not accept CBOR (\(type)) for Kinesis yet; use application/x-amz-json-1.1 (Java SDK: -Daws.cborEnabled=false).",
                                 status: 501))
        }
        let input: JSONObject
        do {
            input = try AWSJSONProtocol.parseBody(request.body)
            try validator.validate(input, operation: operation)
        } catch {
            throw .wire(error)
        }
        guard let action = Self.actions[operation] else { throw .notImplemented(operation: operation) }
        let context = ActionContext(store: store, request: request.context, input: input, now: clock(),
                                    iteratorKey: store.iteratorKey)
        return try action.perform(context)
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
