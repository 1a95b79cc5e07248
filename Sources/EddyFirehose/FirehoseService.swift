import EddyStorage
import EddyWire
import Logging

/// Amazon Data Firehose on the shared port (awsJson 1.1, `Firehose_20150804.<Op>`): delivery
/// streams fed by PutRecord(Batch) or by a Kinesis stream, delivered into the S3 stand-in.
public final class FirehoseService: AWSService {
    public let recognition = ServiceRecognition(signingName: "firehose", displayName: "Amazon Data Firehose",
                                                targetPrefixes: [FirehoseAPI.targetPrefix])
    let store: DeliveryStore
    let delivery: Delivery
    let dispatcher: OperationDispatcher<FirehoseContext>
    let clock: @Sendable () -> Int64
    let createMillis: Int64
    let logger: Logger
    let metrics: (any MetricsSink)?

    static let actions: [any FirehoseAction.Type] = [
        FirehoseAPI.CreateDeliveryStream.self, FirehoseAPI.DescribeDeliveryStream.self, FirehoseAPI.ListDeliveryStreams.self,
        FirehoseAPI.DeleteDeliveryStream.self, FirehoseAPI.PutRecord.self, FirehoseAPI.PutRecordBatch.self,
        FirehoseAPI.TagDeliveryStream.self, FirehoseAPI.UntagDeliveryStream.self, FirehoseAPI.ListTagsForDeliveryStream.self,
        FirehoseAPI.UpdateDestination.self, FirehoseAPI.StartDeliveryStreamEncryption.self, FirehoseAPI.StopDeliveryStreamEncryption.self,
    ]

    static let description = OperationDispatcher<FirehoseContext>.Description(
        targetPrefix: FirehoseAPI.targetPrefix, json: .awsJSON11, notImplemented: { FirehoseError.notImplemented($0).awsError })

    public init(store: DeliveryStore, objects: any ObjectWriter, source: (any StreamRecordSource)?, logger: Logger,
                metrics: (any MetricsSink)? = nil, createMillis: Int64 = 50,
                clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.metrics = metrics
        self.delivery = Delivery(store: store, objects: objects, source: source, logger: logger, metrics: metrics)
        self.clock = clock
        self.createMillis = createMillis
        self.logger = logger
        dispatcher = OperationDispatcher(Self.description, operations: FirehoseAPI.operations,
                                         actions: Self.actions.map { OperationDispatcher<FirehoseContext>.entry($0) })
    }

    public var healthState: String { "running" }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        dispatcher.handle(request, as: dispatcher.recognise(request.head),
                          context: FirehoseContext(service: self, request: request.context, now: clock()))
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        dispatcher.errorResponse(error, dispatcher.recognise(head), requestId: head.context.requestId)
    }

    /// Delivers due buffers until cancelled.
    public func runDelivery(every millis: Int64 = 200) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            delivery.run(now: clock())
        }
    }

    /// Delivers everything buffered now (graceful shutdown).
    public func flush() { delivery.run(now: clock(), flush: true) }
}

extension FirehoseService: ServiceInsight {
    /// `buffer` of a delivery stream, which DescribeDeliveryStream does not tell:
    /// `{"Records", "Bytes", "Full", "OldestArrivalMillis", "AgeSeconds"}` (bytes counted up to
    /// the buffer size; `Full` when that much waits).
    public func insight(_ topic: String, subject: String, region: String, accountId: String) -> [UInt8]? {
        guard topic == "buffer", let s = store.stream(accountId, region, subject) else { return nil }
        let state = delivery.buffered(s)
        let now = clock()
        var w = JSONWriter()
        w.beginObject()
        w.key("Records"); w.int64(Int64(clamping: state.records))
        w.key("Bytes"); w.int(state.bytes)
        w.key("Full"); w.bool(state.full)
        w.key("BufferSizeBytes"); w.int(s.hints.bytes)
        w.key("BufferIntervalSeconds"); w.int64(s.hints.intervalMillis / 1000)
        if let oldest = state.oldest {
            w.key("OldestArrivalMillis"); w.int64(oldest)
            w.key("AgeSeconds"); w.double(Double(max(0, now - oldest)) / 1000)
        }
        w.endObject()
        return w.bytes
    }
}
