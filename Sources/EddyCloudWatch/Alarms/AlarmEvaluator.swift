import EddyWire
import Logging

/// Runs every alarm on the stored metrics, as CloudWatch does: standard alarms once a minute,
/// high-resolution ones (a Period under 60 s) every 10 seconds, composite alarms after the
/// metric alarms they watch. A transition is written (with its history and actions) and logged
/// in one line.
struct AlarmEvaluator: Sendable {
    let metrics: MetricStore
    let alarms: AlarmStore
    let logger: Logger

    /// One round. `standard`: whether standard-resolution alarms are due too. Answers how
    /// many alarms it evaluated.
    @discardableResult
    func run(nowMillis: Int64, standard: Bool) -> Int {
        var evaluated = 0
        for scope in alarms.scopes() {
            let context = CloudWatchContext(store: metrics, alarms: alarms,
                                            request: RequestContext(service: "monitoring", region: scope.region, accountId: scope.account,
                                                                    requestId: ""), now: nowMillis)
            for alarm in alarms.alarms(scope) {
                guard case .metric(let a) = alarm, Self.isHighResolution(a) || standard else { continue }
                evaluated += 1
                guard let outcome = evaluate(a, context) else { continue }
                transition(scope, alarm.name, to: outcome, nowMillis: nowMillis)
            }
            // Composite alarms see their children's new states.
            for alarm in alarms.alarms(scope) {
                guard case .composite(let a) = alarm else { continue }
                evaluated += 1
                if let outcome = CompositeEvaluation.evaluate(a, in: scope, alarms), outcome.state != alarm.state {
                    transition(scope, alarm.name, to: outcome, nowMillis: nowMillis)
                } else if a.actionsSuppressedBy == .WaitPeriod {
                    _ = try? alarms.modify(scope, alarm.name) { current in
                        current.flatMap { CompositeEvaluation.settleWaitPeriod($0, in: scope, alarms, nowMillis: nowMillis) }
                    }
                }
            }
        }
        return evaluated
    }

    static func isHighResolution(_ a: CloudWatchAPI.MetricAlarm) -> Bool {
        if let period = a.period { return period < 60 }
        return (a.metrics ?? []).contains { ($0.metricStat?.period ?? 60) < 60 || ($0.period ?? 60) < 60 }
    }

    /// The alarm's outcome on the data now stored, nil when it keeps its state.
    func evaluate(_ a: CloudWatchAPI.MetricAlarm, _ c: CloudWatchContext) -> AlarmEvaluation.Outcome? {
        guard let criteria = AlarmCriteria.of(a) else { return nil }
        let (start, end) = AlarmEvaluation.range(nowMillis: c.now, criteria: criteria)
        let (queries, target) = AlarmCriteria.queries(a)
        guard let result = try? MetricQueries.evaluate(queries, start: start, end: end, c) else { return nil }
        let counts = result.single(AlarmCriteria.sampleCountId)?.points ?? [:]
        let points = (result.single(target)?.points ?? [:]).map {
            AlarmEvaluation.Point(start: $0.key, value: $0.value, sampleCount: a.metrics == nil ? counts[$0.key] : nil)
        }
        let outcome = AlarmEvaluation.evaluate(criteria, points: points, nowMillis: c.now)
        return outcome?.state == a.stateValue ? nil : outcome
    }

    /// Writes the transition unless the alarm changed meanwhile; true when it was written.
    @discardableResult
    func transition(_ scope: AlarmStore.Scope, _ name: String, to outcome: AlarmEvaluation.Outcome, nowMillis: Int64) -> Bool {
        var from: CloudWatchAPI.StateValue?
        let written = try? alarms.modify(scope, name) { current in
            guard let current, current.state != outcome.state else { return nil }
            from = current.state
            let change = AlarmTransitions.Change(state: outcome.state, reason: outcome.reason, reasonData: outcome.reasonData, millis: nowMillis)
            return AlarmTransitions.apply(change, to: current, suppression: CompositeEvaluation.suppression(current, entering: outcome.state, in: scope, alarms,
                                                                                                 nowMillis: nowMillis))
        }
        guard let from, let written, written.state == outcome.state else { return false }
        logger.info("alarm \(name) (\(scope.region)) \(from.rawValue) -> \(outcome.state.rawValue): \(outcome.reason)")
        return true
    }
}

/// What an alarm's definition means for its evaluation.
enum AlarmCriteria {
    /// The id of the sample-count companion query of a single-metric alarm.
    static let sampleCountId = "eddy_sample_count"

    static func of(_ a: CloudWatchAPI.MetricAlarm) -> AlarmEvaluation.Criteria? {
        guard let n = a.evaluationPeriods, n > 0, let comparison = a.comparisonOperator, let threshold = a.threshold else { return nil }
        let period = a.period ?? a.metrics.map(period(of:)) ?? 60
        guard period > 0 else { return nil }
        var low: Double?
        if a.evaluateLowSampleCountPercentile == "ignore", let p = a.extendedStatistic.flatMap(Percentile.parse), p < 100 {
            // A percentile needs about 10 / (1 - p) samples to mean anything (1,000 for p99).
            low = 10 / (1 - p / 100)
        }
        let statistic: (String, String)? = a.metrics != nil ? nil
            : a.extendedStatistic.map { ("extendedStatistic", $0) } ?? a.statistic.map { ("statistic", $0.rawValue) }
        return AlarmEvaluation.Criteria(period: Int64(period), evaluationPeriods: n, datapointsToAlarm: min(a.datapointsToAlarm ?? n, n),
                                        threshold: threshold, comparison: comparison,
                                        treatMissingData: a.treatMissingData.flatMap(AlarmEvaluation.TreatMissingData.init(rawValue:)) ?? .missing,
                                        lowSampleCount: low, statistic: statistic, unit: a.unit?.rawValue)
    }

    /// The period of a metric math alarm: its compared query's, or for an expression (which has
    /// none of its own) the shortest of the metrics it reads.
    static func period(of metrics: [CloudWatchAPI.MetricDataQuery]) -> Int {
        let target = metrics.first { $0.returnData ?? true }
        return target?.metricStat?.period ?? target?.period ?? metrics.compactMap { $0.metricStat?.period }.min() ?? 60
    }

    /// The queries an alarm reads and the id of the one it compares with its threshold.
    static func queries(_ a: CloudWatchAPI.MetricAlarm) -> ([CloudWatchAPI.MetricDataQuery], String) {
        if let metrics = a.metrics {
            return (metrics, metrics.first { $0.returnData ?? true }?.id ?? "")
        }
        let metric = CloudWatchAPI.Metric(namespace: a.namespace, metricName: a.metricName, dimensions: a.dimensions)
        let period = a.period ?? 60
        let stat = a.extendedStatistic ?? a.statistic?.rawValue ?? "Average"
        return ([CloudWatchAPI.MetricDataQuery(id: "m", metricStat: CloudWatchAPI.MetricStat(metric: metric, period: period, stat: stat, unit: a.unit)),
                 CloudWatchAPI.MetricDataQuery(id: sampleCountId, metricStat: CloudWatchAPI.MetricStat(metric: metric, period: period, stat: "SampleCount", unit: a.unit))],
                "m")
    }
}
