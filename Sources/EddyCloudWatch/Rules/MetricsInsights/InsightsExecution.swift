/// A Metrics Insights query run over the stored data: the matching metrics (at most 10,000),
/// their observations combined per period (high-resolution data at one minute, as AWS) and per
/// group, ordered and cut to the limit (at most 500 series).
extension MetricQueries {
    static func insights(_ q: InsightsQuery, start: Int64, end: Int64, period: Int64, _ c: CloudWatchContext) throws(MathFailure) -> MathValue {
        let period = max(60, period)
        let start = max(start, c.now / 1000 - searchWindowSeconds)
        var groups: [[String]: [Int64: PeriodAggregate]] = [:]
        var totals: [[String]: PeriodAggregate] = [:]
        var processed = 0
        for m in try candidates(namespace: q.namespace, name: q.metricName, end: end, c) {
            let dimensions = Dictionary(m.dimensions.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            if let schema = q.schema, Set(dimensions.keys) != schema { continue }
            if let condition = q.condition, !condition.holds(dimensions) { continue }
            guard processed < InsightsQuery.maxMetrics else { break }
            processed += 1
            // A metric without a GROUP BY key falls in the group AWS calls Other.
            let key = q.groupBy.map { dimensions[$0] ?? "Other" }
            for r in try rows(m, start: start, end: end, c) {
                let t = r.seconds - r.seconds.floorMod(period)
                groups[key, default: [:]][t, default: PeriodAggregate(unit: r.unit)].add(r, keepingSamples: false)
                totals[key, default: PeriodAggregate(unit: r.unit)].add(r, keepingSamples: false)
            }
        }
        var keys = groups.keys.sorted { $0.lexicographicallyPrecedes($1) }
        if let order = q.orderBy {
            let ranked = keys.map { (key: $0, value: totals[$0].map { Self.value(order.function, $0) } ?? .nan) }
            keys = ranked.sorted { a, b in
                // Series without a value go last either way.
                if a.value.isNaN != b.value.isNaN { return !a.value.isNaN }
                return order.descending ? a.value > b.value : a.value < b.value
            }.map(\.key)
        }
        keys = Array(keys.prefix(min(q.limit ?? InsightsQuery.maxSeries, InsightsQuery.maxSeries)))
        let series = keys.map { key in
            var s = TimeSeries(label: key.joined(separator: " "), period: period,
                               points: (groups[key] ?? [:]).mapValues { Self.value(q.function, $0) })
            s.properties = properties(namespace: q.namespace, name: q.metricName, dimensions: Array(zip(q.groupBy, key)),
                                      stat: q.function.rawValue, period: period, c)
            return s
        }
        if q.groupBy.isEmpty { return .series(series.first ?? TimeSeries(period: period)) }
        return .array(series)
    }

    static func value(_ f: InsightsQuery.Function, _ a: PeriodAggregate) -> Double {
        switch f {
        case .avg: a.value(.Average)
        case .count: a.value(.SampleCount)
        case .max: a.value(.Maximum)
        case .min: a.value(.Minimum)
        case .sum: a.value(.Sum)
        }
    }
}
