import EddyWire

/// The queries of a GetMetricData request (or of an alarm's Metrics) computed over the stored
/// data: MetricStat queries, metric math in the order expressions depend on each other, and
/// Metrics Insights queries. Each id gives one or more labelled series (an expression that
/// makes an array gives several, as AWS answers them).
struct MetricQueries {
    /// AWS keeps 1-minute data 15 days; searches and Metrics Insights look back two weeks.
    static let searchWindowSeconds: Int64 = 14 * 86_400

    var results: [String: [TimeSeries]] = [:]

    /// The one series of a query, nil when it has none or several.
    func single(_ id: String) -> TimeSeries? {
        guard let all = results[id], all.count == 1 else { return nil }
        return all[0]
    }

    static func evaluate(_ queries: [CloudWatchAPI.MetricDataQuery], start: Int64, end: Int64,
                         _ c: CloudWatchContext) throws(CloudWatchError) -> MetricQueries {
        var out = MetricQueries()
        var values: [String: MathValue] = [:]
        var metricIds: [String] = []
        var seen: Set<String> = []
        for q in queries {
            guard seen.insert(q.id).inserted else {
                throw .validation("The values for parameter id in MetricDataQueries are not unique.")
            }
            guard (q.metricStat == nil) != (q.expression == nil) else {
                throw .validation("Exactly one of MetricStat and Expression must be given in query \(q.id).")
            }
            guard let stat = q.metricStat else { continue }
            var series = try self.series(of: stat, start: start, end: end, c)
            series.properties = properties(namespace: stat.metric.namespace ?? "", name: stat.metric.metricName ?? "",
                                           dimensions: (stat.metric.dimensions ?? []).pairs, stat: stat.stat, period: Int64(stat.period), c)
            series.label = labelled(q.label, series, defaultLabel: stat.metric.metricName ?? q.id)
            values[q.id] = .series(series)
            out.results[q.id] = [series]
            metricIds.append(q.id)
        }
        let defaultPeriod = Int64(queries.compactMap { $0.metricStat?.period }.min() ?? 60)
        for q in try dependencyOrder(queries) {
            guard let expression = q.expression else { continue }
            let period = Int64(q.period ?? 0) > 0 ? Int64(q.period ?? 60) : defaultPeriod
            let value: MathValue
            do throws(MathFailure) {
                if InsightsQuery.isQuery(expression) {
                    guard let p = q.period, p > 0 else {
                        throw MathFailure("a Metrics Insights query needs the Period of its MetricDataQuery")
                    }
                    value = try insights(InsightsQuery.parse(expression), start: start, end: end, period: Int64(p), c)
                } else {
                    let environment = MathEnvironment(values: values, metricIds: metricIds, start: start, end: end, period: period) {
                        expression, statistic, period throws(MathFailure) in
                        try search(MetricSearch.parse(expression), statistic: statistic, period: period, start: start, end: end, c)
                    }
                    value = try MathParser.evaluate(expression, in: environment)
                }
            } catch {
                throw .validation("Error in expression \(q.id): \(error.message)")
            }
            values[q.id] = value
            switch value {
            case .series(var s):
                s.label = labelled(q.label, s, defaultLabel: s.label.isEmpty || s.properties.isEmpty ? q.id : s.label)
                out.results[q.id] = [s]
            case .array(let list):
                // Each series of an array is the expression's label and its own.
                out.results[q.id] = list.map { s in
                    var s = s
                    guard let label = q.label, !label.isEmpty else { return s }
                    // A dynamic label names each series itself; a plain one is put before the series' own.
                    s.label = label.contains("${") ? DynamicLabel.render(label, s, defaultLabel: s.label)
                        : (s.label.isEmpty ? label : "\(label) \(s.label)")
                    return s
                }
            case .scalar(let x):
                // A scalar is drawn as a flat line over the range.
                var s = TimeSeries(label: q.label ?? q.id, period: period)
                for t in MathFunctions.periodStarts(MathEnvironment(values: [:], metricIds: [], start: start, end: end, period: period,
                                                                      search: { _, _, _ in [] }), period: period) { s.points[t] = x }
                out.results[q.id] = [s]
            case .text, .keyword:
                throw .validation("Error in expression \(q.id): the expression must produce a time series, not \(value.kind).")
            }
        }
        return out
    }

    static func labelled(_ label: String?, _ s: TimeSeries, defaultLabel: String) -> String {
        guard let label else { return defaultLabel }
        return DynamicLabel.render(label, s, defaultLabel: defaultLabel)
    }

    static func properties(namespace: String, name: String, dimensions: [(name: String, value: String)], stat: String, period: Int64,
                           _ c: CloudWatchContext) -> [String: String] {
        var p = ["Namespace": namespace, "MetricName": name, "Stat": stat, "Period": String(period),
                 "AccountId": c.request.accountId, "Region": c.request.region]
        for d in dimensions { p["Dim.\(d.name)"] = d.value }
        return p
    }

    /// Expressions ordered so that each comes after the expressions it reads (Kahn's
    /// algorithm, iterative); a cycle is refused.
    static func dependencyOrder(_ queries: [CloudWatchAPI.MetricDataQuery]) throws(CloudWatchError) -> [CloudWatchAPI.MetricDataQuery] {
        let expressions = queries.filter { $0.expression != nil }
        let ids = Set(expressions.map(\.id))
        var waiting: [String: Set<String>] = [:]
        for q in expressions {
            let text = q.expression ?? ""
            waiting[q.id] = InsightsQuery.isQuery(text) ? [] : MathParser.references(in: text).intersection(ids).subtracting([q.id])
            if MathParser.references(in: text).contains(q.id) {
                throw .validation("Error in expression \(q.id): the expression refers to itself.")
            }
        }
        var ordered: [CloudWatchAPI.MetricDataQuery] = []
        var done: Set<String> = []
        while ordered.count < expressions.count {
            let ready = expressions.filter { !done.contains($0.id) && (waiting[$0.id] ?? []).isSubset(of: done) }
            guard !ready.isEmpty else {
                let stuck = expressions.filter { !done.contains($0.id) }.map(\.id).joined(separator: ", ")
                throw .validation("Circular dependency between the expressions \(stuck).")
            }
            ordered += ready
            done.formUnion(ready.map(\.id))
        }
        return ordered
    }

    /// One MetricStat query: its statistic per period.
    static func series(of stat: CloudWatchAPI.MetricStat, start: Int64, end: Int64, _ c: CloudWatchContext) throws(CloudWatchError) -> TimeSeries {
        let rows = try c.storage {
            try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: stat.metric.namespace ?? "",
                             name: stat.metric.metricName ?? "", dimensions: (stat.metric.dimensions ?? []).pairs,
                             start: PeriodAggregate.visibleStart(start, period: Int64(stat.period), nowMillis: c.now), end: end)
        }
        do throws(MathFailure) {
            return TimeSeries(period: Int64(stat.period), points: try statistic(stat.stat, of: rows, unit: stat.unit?.rawValue, period: Int64(stat.period)))
        } catch {
            throw .invalidParameterValue(error.message)
        }
    }

    static func statistic(_ name: String, of rows: [MetricStore.Row], unit: String?, period: Int64) throws(MathFailure) -> [Int64: Double] {
        let statistic = CloudWatchAPI.Statistic(rawValue: name)
        let percentile = Percentile.parse(name)
        guard statistic != nil || percentile != nil else {
            throw MathFailure("Eddy computes SampleCount, Average, Sum, Minimum, Maximum and pNN; \(name) is not supported yet.")
        }
        let periods = PeriodAggregate.periods(rows.filter { unit == nil || $0.unit == unit }, period: period)
        if let statistic { return periods.mapValues { $0.value(statistic) } }
        return periods.compactMapValues { b in percentile.flatMap { Percentile.of(b.samples, $0) } }
    }

    /// The stored metrics of the region with data in the last two weeks of the range.
    static func candidates(namespace: String?, name: String?, end: Int64, _ c: CloudWatchContext) throws(MathFailure) -> [MetricSearch.Candidate] {
        let since = max(end - searchWindowSeconds, c.now / 1000 - searchWindowSeconds)
        do {
            return try c.store.metrics(account: c.request.accountId, region: c.request.region, namespace: namespace, name: name, since: since)
                .map { MetricSearch.Candidate(namespace: $0.namespace, name: $0.name, dimensions: MetricStore.dimensions($0.dimensions)) }
        } catch {
            throw MathFailure("the metric store could not be read: \(error)")
        }
    }

    static func rows(_ m: MetricSearch.Candidate, start: Int64, end: Int64, _ c: CloudWatchContext) throws(MathFailure) -> [MetricStore.Row] {
        do {
            return try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: m.namespace, name: m.name,
                                    dimensions: m.dimensions, start: start, end: end)
        } catch {
            throw MathFailure("the metric store could not be read: \(error)")
        }
    }

    /// SEARCH(): each matching metric (at most 500) with its statistic, labelled by its
    /// dimension values and name.
    static func search(_ s: MetricSearch, statistic: String, period: Int64, start: Int64, end: Int64,
                       _ c: CloudWatchContext) throws(MathFailure) -> [TimeSeries] {
        var out: [TimeSeries] = []
        for m in try candidates(namespace: nil, name: nil, end: end, c) where s.matches(m) {
            guard out.count < MetricSearch.maxResults else { break }
            let points = try self.statistic(statistic, of: try rows(m, start: start, end: end, c), unit: nil, period: period)
            var s = TimeSeries(label: (m.dimensions.map(\.value) + [m.name]).joined(separator: " "), period: period, points: points)
            s.properties = properties(namespace: m.namespace, name: m.name, dimensions: m.dimensions, stat: statistic, period: period, c)
            out.append(s)
        }
        return out
    }
}
