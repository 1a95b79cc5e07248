import EddyWire

/// DescribeAlarmsForMetric: the metric alarms on a metric (or with it among their metric math
/// queries), narrowed by statistic, dimensions, period and unit when given.
extension CloudWatchAPI.DescribeAlarmsForMetric: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let dimensions = input.dimensions.map { MetricStore.canonical($0.pairs) }
        func matches(_ metric: CloudWatchAPI.Metric?, stat: String?, period: Int?, unit: CloudWatchAPI.StandardUnit?) -> Bool {
            guard let metric, metric.metricName == input.metricName, metric.namespace == input.namespace else { return false }
            if let dimensions, MetricStore.canonical((metric.dimensions ?? []).pairs) != dimensions { return false }
            if let s = input.statistic?.rawValue ?? input.extendedStatistic, s != stat { return false }
            if let p = input.period, p != period { return false }
            if let u = input.unit, u != unit { return false }
            return true
        }
        let found = c.alarms.alarms(c.scope).compactMap { alarm -> CloudWatchAPI.MetricAlarm? in
            guard case .metric(let a) = alarm else { return nil }
            if a.metrics == nil {
                let metric = CloudWatchAPI.Metric(namespace: a.namespace, metricName: a.metricName, dimensions: a.dimensions)
                return matches(metric, stat: a.statistic?.rawValue ?? a.extendedStatistic, period: a.period, unit: a.unit) ? a : nil
            }
            return (a.metrics ?? []).contains { q in
                q.metricStat.map { matches($0.metric, stat: $0.stat, period: $0.period, unit: $0.unit) } ?? false
            } ? a : nil
        }
        return Output(metricAlarms: found)
    }
}
