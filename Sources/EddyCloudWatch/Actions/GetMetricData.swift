import EddyWire

/// GetMetricData: MetricStat queries, metric math and Metrics Insights queries (see
/// MetricQueries), ScanBy, MaxDatapoints with NextToken.
extension CloudWatchAPI.GetMetricData: CloudWatchAction {
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
        let evaluated = try MetricQueries.evaluate(input.metricDataQueries, start: start, end: end, c)
        let descending = (input.scanBy ?? .TimestampDescending) == .TimestampDescending
        var budget = maxPoints
        var truncated = false
        var results: [CloudWatchAPI.MetricDataResult] = []
        for q in input.metricDataQueries where q.returnData != false {
            for series in evaluated.results[q.id] ?? [] {
                // A point metric math cannot compute (a division by zero) has no value.
                var points = series.points.filter { $0.value.isFinite }.sorted { descending ? $0.key > $1.key : $0.key < $1.key }
                let dropped = min(skip, points.count)
                points.removeFirst(dropped)
                skip -= dropped
                if points.count > budget {
                    points = Array(points.page(budget))
                    truncated = true
                }
                budget -= points.count
                results.append(CloudWatchAPI.MetricDataResult(id: q.id, label: series.label,
                                                              timestamps: points.map { Timestamp(millis: $0.key * 1000) },
                                                              values: points.map(\.value)))
            }
        }
        for i in results.indices { results[i].statusCode = truncated ? .PartialData : .Complete }
        let consumed = (Int(input.nextToken ?? "0") ?? 0) + (maxPoints - budget)
        return Output(metricDataResults: results, nextToken: truncated ? String(consumed) : nil, messages: [])
    }
}
