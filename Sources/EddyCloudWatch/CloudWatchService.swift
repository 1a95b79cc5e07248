import EddyWire
import Logging
import Synchronization

/// CloudWatch metrics on the shared port, in the protocols clients use: awsJson 1.0
/// (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, botocore), awsQuery (form body with
/// `Action=`, the Java SDK v2 and older SDKs) and smithy rpc-v2-cbor, through the shared
/// operation pipeline.
public final class CloudWatchService: AWSService {
    public let recognition: ServiceRecognition
    public let store: MetricStore
    public let alarms: AlarmStore
    let logger: Logger
    let dispatcher: OperationDispatcher<CloudWatchContext>
    let clock: @Sendable () -> Int64
    /// What evaluating alarms has cost so far, for `/metrics` (and the benchmark).
    let evaluationCost = Mutex<(rounds: Int, alarms: Int, nanoseconds: UInt64)>((0, 0, 0))
    static let namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"

    static let actions: [any CloudWatchAction.Type] = [
        CloudWatchAPI.PutMetricData.self, CloudWatchAPI.GetMetricStatistics.self, CloudWatchAPI.GetMetricData.self,
        CloudWatchAPI.ListMetrics.self,
        CloudWatchAPI.PutMetricAlarm.self, CloudWatchAPI.PutCompositeAlarm.self, CloudWatchAPI.DescribeAlarms.self,
        CloudWatchAPI.DescribeAlarmsForMetric.self, CloudWatchAPI.DescribeAlarmHistory.self, CloudWatchAPI.DeleteAlarms.self,
        CloudWatchAPI.SetAlarmState.self, CloudWatchAPI.EnableAlarmActions.self, CloudWatchAPI.DisableAlarmActions.self,
        CloudWatchAPI.TagResource.self, CloudWatchAPI.UntagResource.self, CloudWatchAPI.ListTagsForResource.self,
        CloudWatchAPI.PutDashboard.self, CloudWatchAPI.GetDashboard.self, CloudWatchAPI.ListDashboards.self,
        CloudWatchAPI.DeleteDashboards.self,
    ]

    static let description = OperationDispatcher<CloudWatchContext>.Description(
        targetPrefix: CloudWatchAPI.targetPrefix, json: .awsJSON10, rpcV2CBOR: true, query: true,
        dialect: WireProtocol.Dialect(xmlNamespace: namespace, queryCompatible: true, validationCode: "ValidationError"), unrepresentable: .invalidParameterValue,
        notImplemented: { CloudWatchError.notImplemented($0).awsError },
        unknownAction: { CloudWatchError.invalidAction($0).awsError })

    public init(store: MetricStore, alarms: AlarmStore, logger: Logger = Logger(label: "eddy.cloudwatch"),
                clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.alarms = alarms
        self.logger = logger
        self.clock = clock
        recognition = ServiceRecognition(signingName: "monitoring", displayName: "Amazon CloudWatch",
                                         targetPrefixes: [CloudWatchAPI.targetPrefix], pathPrefixes: [Self.description.rpcPathPrefix],
                                         takesQueryForms: true, takesCompressedBodies: true, authErrors: .query)
        dispatcher = OperationDispatcher(Self.description, operations: CloudWatchAPI.operations,
                                         actions: Self.actions.map { OperationDispatcher<CloudWatchContext>.entry($0) })
    }

    public var healthState: String { "running" }

    public func reset() async throws {
        try store.reset()
        try alarms.reset()
    }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let context = CloudWatchContext(store: store, alarms: alarms, request: request.context, now: clock())
        return dispatcher.handle(request, as: dispatcher.recognise(request.head), context: context)
    }

    public func errorResponse(_ error: AWSError, head: RequestHead) -> ServiceResponse {
        dispatcher.errorResponse(error, dispatcher.recognise(head), requestId: head.context.requestId)
    }

    /// Flushes and ages out data points and alarm history until the task is cancelled.
    public func runMaintenance(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            try? store.maintain(nowMillis: clock())
            try? alarms.maintain(nowMillis: clock())
        }
    }

    /// Evaluates alarms until the task is cancelled: standard ones every `standardSeconds`
    /// (CloudWatch: 60), high-resolution ones every 10 seconds (or as often as standard ones,
    /// when that is more often).
    public func runAlarmEvaluation(standardSeconds: Int = 60) async {
        let evaluator = AlarmEvaluator(metrics: store, alarms: alarms, logger: logger)
        let standard = Int64(max(1, standardSeconds)) * 1000
        let tick = min(10_000, standard)
        var lastStandard = Int64.min
        while !Task.isCancelled {
            let now = clock()
            // Rounds wake on tick boundaries, a little early or late: half a tick of slack.
            let due = lastStandard == Int64.min || now - lastStandard >= standard - tick / 2
            if due { lastStandard = now }
            let began = ContinuousClock.now
            let evaluated = evaluator.run(nowMillis: now, standard: due)
            let took = ContinuousClock.now - began
            evaluationCost.withLock {
                $0.rounds += 1
                $0.alarms += evaluated
                $0.nanoseconds += UInt64(max(0, took.components.seconds)) * 1_000_000_000 + UInt64(max(0, took.components.attoseconds / 1_000_000_000))
            }
            try? await Task.sleep(for: .milliseconds(tick - now.floorMod(tick)))
        }
    }

    /// Each alarm's state for `/metrics`: one gauge per alarm and state, 1 for the state it is in;
    /// and what evaluating them has cost.
    public func alarmPrometheusText() -> String {
        let cost = evaluationCost.withLock { $0 }
        let out = """
            # HELP eddy_cloudwatch_alarm_evaluation_rounds_total Alarm evaluation rounds run
            # TYPE eddy_cloudwatch_alarm_evaluation_rounds_total counter
            eddy_cloudwatch_alarm_evaluation_rounds_total \(cost.rounds)
            # HELP eddy_cloudwatch_alarm_evaluations_total Alarms evaluated, over all rounds
            # TYPE eddy_cloudwatch_alarm_evaluations_total counter
            eddy_cloudwatch_alarm_evaluations_total \(cost.alarms)
            # HELP eddy_cloudwatch_alarm_evaluation_seconds_total Time spent evaluating alarms
            # TYPE eddy_cloudwatch_alarm_evaluation_seconds_total counter
            eddy_cloudwatch_alarm_evaluation_seconds_total \(Double(cost.nanoseconds) / 1e9)

            """
        var states = ""
        for scope in alarms.scopes().sorted(by: { ($0.account, $0.region) < ($1.account, $1.region) }) {
            for alarm in alarms.alarms(scope) {
                if states.isEmpty { states = "# HELP eddy_cloudwatch_alarm_state CloudWatch alarm states\n# TYPE eddy_cloudwatch_alarm_state gauge\n" }
                for state in [CloudWatchAPI.StateValue.OK, .ALARM, .INSUFFICIENT_DATA] {
                    states += "eddy_cloudwatch_alarm_state{account=\"\(scope.account)\",region=\"\(scope.region)\",alarm=\"\(MetricStore.escape(alarm.name))\",state=\"\(state.rawValue)\"} \(alarm.state == state ? 1 : 0)\n"
                }
            }
        }
        return out + states
    }
}
