import EddyWire

/// GetMetricData: MetricStat queries and metric math (arithmetic on series and numbers,
/// SUM/AVG/MIN/MAX over a list or METRICS(), RATE), ScanBy, MaxDatapoints with NextToken.
extension CloudWatchAPI.GetMetricData: CloudWatchAction {
    typealias Series = [Int64: Double]
    static let defaultMaxDatapoints = 100_800

    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let start = input.startTime.wholeSeconds, end = input.endTime.wholeSeconds
        guard start < end else { throw .invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.") }
        let maxPoints = input.maxDatapoints ?? defaultMaxDatapoints
        guard maxPoints > 0 else { throw .invalidValue(String(maxPoints), parameter: "MaxDatapoints") }
        // The token is how many points earlier pages returned.
        var skip = 0
        if let token = input.nextToken {
            guard let n = Int(token), n >= 0 else { throw .invalidNextToken("The NextToken \(token) is invalid.") }
            skip = n
        }
        let (series, labels) = try evaluate(input.metricDataQueries, start: start, end: end, c)
        let descending = (input.scanBy ?? .TimestampDescending) == .TimestampDescending
        var budget = maxPoints
        var truncated = false
        var results: [CloudWatchAPI.MetricDataResult] = []
        for q in input.metricDataQueries where q.returnData != false {
            // A point metric math cannot compute (a division by zero) has no value.
            var points = (series[q.id] ?? [:]).filter { $0.value.isFinite }.sorted { descending ? $0.key > $1.key : $0.key < $1.key }
            let dropped = min(skip, points.count)
            points.removeFirst(dropped)
            skip -= dropped
            if points.count > budget {
                points = Array(points.page(budget))
                truncated = true
            }
            budget -= points.count
            results.append(CloudWatchAPI.MetricDataResult(id: q.id, label: labels[q.id] ?? q.id,
                                                          timestamps: points.map { Timestamp(millis: $0.key * 1000) },
                                                          values: points.map(\.value)))
        }
        for i in results.indices { results[i].statusCode = truncated ? .PartialData : .Complete }
        let consumed = (Int(input.nextToken ?? "0") ?? 0) + (maxPoints - budget)
        return Output(metricDataResults: results, nextToken: truncated ? String(consumed) : nil, messages: [])
    }

    /// Every query's series (and label): MetricStat queries first, so expressions can refer to
    /// any of them. Alarms evaluate their metrics through this too.
    static func evaluate(_ queries: [CloudWatchAPI.MetricDataQuery], start: Int64, end: Int64,
                         _ c: CloudWatchContext) throws(CloudWatchError) -> (series: [String: Series], labels: [String: String]) {
        var series: [String: Series] = [:]
        var labels: [String: String] = [:]
        var statIds: [String] = []
        for q in queries {
            guard let stat = q.metricStat else { continue }
            series[q.id] = try values(of: stat, start: start, end: end, c)
            labels[q.id] = q.label ?? stat.metric.metricName ?? q.id
            statIds.append(q.id)
        }
        for q in queries {
            guard let expression = q.expression else { continue }
            var parser = MathParser(text: expression, series: series, statIds: statIds)
            guard case .series(let s) = try parser.parse() else {
                throw .invalidParameterValue("The expression \(expression) must produce a time series.")
            }
            series[q.id] = s
            labels[q.id] = q.label ?? q.id
        }
        return (series, labels)
    }

    /// One MetricStat query: its statistic per period.
    static func values(of stat: CloudWatchAPI.MetricStat, start: Int64, end: Int64, _ c: CloudWatchContext) throws(CloudWatchError) -> Series {
        let statistic = CloudWatchAPI.Statistic(rawValue: stat.stat)
        let percentile = Percentile.parse(stat.stat)
        guard statistic != nil || percentile != nil else {
            throw .invalidParameterValue("Eddy computes SampleCount, Average, Sum, Minimum, Maximum and pNN; \(stat.stat) is not supported yet.")
        }
        let unit = stat.unit?.rawValue
        let rows = try c.storage {
            try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: stat.metric.namespace ?? "",
                             name: stat.metric.metricName ?? "", dimensions: (stat.metric.dimensions ?? []).pairs, start: start, end: end)
        }.filter { unit == nil || $0.unit == unit }
        let periods = PeriodAggregate.periods(rows, period: Int64(stat.period))
        if let statistic { return periods.mapValues { $0.value(statistic) } }
        return periods.compactMapValues { b in percentile.flatMap { Percentile.of(b.samples, $0) } }
    }
}
