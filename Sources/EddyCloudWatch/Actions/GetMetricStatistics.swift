import EddyWire

/// GetMetricStatistics: SampleCount, Average, Sum, Minimum and Maximum (or pNN percentiles) per
/// Period over the data points of one metric (exact dimension set), optionally of one Unit.
extension CloudWatchAPI.GetMetricStatistics: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let wanted = input.statistics ?? []
        var percentiles: [(name: String, p: Double)] = []
        for e in input.extendedStatistics ?? [] {
            guard let p = Percentile.parse(e) else {
                throw .invalidParameterValue("The value \(e) for parameter ExtendedStatistics is not supported (use pNN or pNN.NN).")
            }
            percentiles.append((e, p))
        }
        guard !wanted.isEmpty || !percentiles.isEmpty else {
            throw .missingParameter("The parameter Statistics or ExtendedStatistics must be specified.")
        }
        if !wanted.isEmpty && !percentiles.isEmpty {
            throw .invalidParameterCombination("Parameters Statistics and ExtendedStatistics are mutually exclusive.")
        }
        let period = input.period
        guard period % 60 == 0 || [1, 5, 10, 30].contains(period) else {
            throw .invalidParameterValue("The parameter Period must be 1, 5, 10, 30 or a multiple of 60.")
        }
        let start = input.startTime.wholeSeconds, end = input.endTime.wholeSeconds
        guard start < end else { throw .invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.") }
        let requested = (end - start + Int64(period) - 1) / Int64(period)
        guard requested <= maxDatapoints else {
            throw .invalidParameterCombination("You have requested up to \(grouped(requested)) datapoints, which exceeds the limit of "
                                               + "\(grouped(maxDatapoints)). You may reduce the datapoints requested by increasing Period, "
                                               + "or decreasing the time range.")
        }
        let unit = input.unit?.rawValue
        let rows = try c.storage {
            try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: input.namespace, name: input.metricName,
                             dimensions: (input.dimensions ?? []).pairs, start: PeriodAggregate.visibleStart(start, period: Int64(period), nowMillis: c.now),
                             end: end)
        }.filter { unit == nil || $0.unit == unit }
        // Without a Unit, data sent with different units are answered apart, each with its unit.
        var periods: [(start: Int64, aggregate: PeriodAggregate)] = []
        for u in Set(rows.map(\.unit)).sorted() {
            periods += PeriodAggregate.periods(rows.filter { $0.unit == u }, period: Int64(period)).map { ($0.key, $0.value) }
        }
        periods.sort { $0.start != $1.start ? $0.start < $1.start : $0.aggregate.unit < $1.aggregate.unit }
        let datapoints = periods.map { start, b in
            var point = CloudWatchAPI.Datapoint(timestamp: Timestamp(millis: start * 1000), unit: CloudWatchAPI.StandardUnit(rawValue: b.unit))
            for s in CloudWatchAPI.Statistic.allCases where wanted.contains(s) {
                switch s {
                case .SampleCount: point.sampleCount = b.value(s)
                case .Average: point.average = b.value(s)
                case .Sum: point.sum = b.value(s)
                case .Minimum: point.minimum = b.value(s)
                case .Maximum: point.maximum = b.value(s)
                }
            }
            if !percentiles.isEmpty {
                point.extendedStatistics = ShapeMap(percentiles.compactMap { e in Percentile.of(b.samples, e.p).map { (e.name, $0) } })
            }
            return point
        }
        return Output(label: input.metricName, datapoints: datapoints)
    }

    /// A single request answers at most this many periods.
    static let maxDatapoints: Int64 = 1440

    /// `1,441`, as the message prints it.
    static func grouped(_ n: Int64) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return String(digits)
    }
}
