import EddyWire
import Logging

/// CloudWatch metrics on the shared port, in the protocols clients use: awsJson 1.0
/// (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, botocore), awsQuery (form body with
/// `Action=`, the Java SDK v2 and older SDKs) and smithy rpc-v2-cbor, through the shared
/// operation pipeline.
public final class CloudWatchService: AWSService {
    public let recognition: ServiceRecognition
    public let store: MetricStore
    let dispatcher: OperationDispatcher<CloudWatchContext>
    let clock: @Sendable () -> Int64
    static let namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"

    static let actions: [any CloudWatchAction.Type] = [
        CloudWatchAPI.PutMetricData.self, CloudWatchAPI.GetMetricStatistics.self, CloudWatchAPI.GetMetricData.self,
        CloudWatchAPI.ListMetrics.self,
    ]

    static let description = OperationDispatcher<CloudWatchContext>.Description(
        targetPrefix: CloudWatchAPI.targetPrefix, json: .awsJSON10, rpcV2CBOR: true, query: true,
        dialect: WireProtocol.Dialect(xmlNamespace: namespace, queryCompatible: true), unrepresentable: .invalidParameterValue,
        notImplemented: { CloudWatchError.notImplemented($0).awsError },
        unknownAction: { CloudWatchError.invalidAction($0).awsError })

    public init(store: MetricStore, clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.clock = clock
        recognition = ServiceRecognition(signingName: "monitoring", displayName: "Amazon CloudWatch",
                                         targetPrefixes: [CloudWatchAPI.targetPrefix], pathPrefixes: [Self.description.rpcPathPrefix],
                                         takesQueryForms: true, takesCompressedBodies: true, authErrors: .query)
        dispatcher = OperationDispatcher(Self.description, operations: CloudWatchAPI.operations,
                                         actions: Self.actions.map { OperationDispatcher<CloudWatchContext>.entry($0) })
    }

    public var healthState: String { "running" }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let context = CloudWatchContext(store: store, request: request.context, now: clock())
        return dispatcher.handle(request, as: dispatcher.recognise(request.head), context: context)
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        dispatcher.errorResponse(error, dispatcher.recognise(head), requestId: head.context.requestId)
    }

    /// Flushes and ages out data points until the task is cancelled.
    public func runMaintenance(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            try? store.maintain(nowMillis: clock())
        }
    }
}
