import EddyWire

/// GetMetricStatistics: SampleCount, Average, Sum, Minimum and Maximum per Period over the
/// data points of one metric (exact dimension set), optionally of one Unit.
enum GetMetricStatistics: CloudWatchAction {
    static let statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]

    static func perform(_ c: CloudWatchContext) throws(CloudWatchError) -> [UInt8] {
        let i = c.input
        let wanted = (i["Statistics"]?.array ?? []).compactMap(\.string)
        let extended = (i["ExtendedStatistics"]?.array ?? []).compactMap(\.string)
        for e in extended where Percentile.parse(e) == nil {
            throw .invalidParameterValue("The value \(e) for parameter ExtendedStatistics is not supported (use pNN or pNN.NN).")
        }
        guard !wanted.isEmpty || !extended.isEmpty else {
            throw .missingParameter("The parameter Statistics or ExtendedStatistics must be specified.")
        }
        if !wanted.isEmpty && !extended.isEmpty {
            throw .invalidParameterCombination("Parameters Statistics and ExtendedStatistics are mutually exclusive.")
        }
        let period = i["Period"]?.int ?? 60
        guard period > 0, period % 60 == 0 || [1, 5, 10, 30].contains(period) else {
            throw .invalidParameterValue("The parameter Period must be 1, 5, 10, 30 or a multiple of 60.")
        }
        let start = Int64(i["StartTime"]?.double ?? 0), end = Int64(i["EndTime"]?.double ?? 0)
        guard start < end else { throw .invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.") }
        let unit = i["Unit"]?.string
        let rows = try c.storage {
            try c.store.rows(account: c.request.accountId, region: c.request.region, namespace: i["Namespace"]?.string ?? "",
                             name: i["MetricName"]?.string ?? "", dimensions: c.dimensions(i["Dimensions"]), start: start, end: end)
        }.filter { unit == nil || $0.unit == unit }
        // Group into periods aligned on the epoch.
        var buckets: [Int64: (unit: String, count: Double, sum: Double, minimum: Double, maximum: Double, samples: [Double])] = [:]
        for r in rows {
            let b = r.seconds - r.seconds % Int64(period)
            if let e = buckets[b] {
                buckets[b] = (e.unit, e.count + r.count, e.sum + r.sum, min(e.minimum, r.minimum), max(e.maximum, r.maximum),
                              e.samples + r.samples)
            } else {
                buckets[b] = (r.unit, r.count, r.sum, r.minimum, r.maximum, r.samples)
            }
        }
        return json { w in
            w.member("Label", i["MetricName"]?.string)
            w.key("Datapoints"); w.beginArray()
            for (t, b) in buckets.sorted(by: { $0.key < $1.key }) {
                w.beginObject()
                w.key("Timestamp"); w.timestamp(millis: t * 1000)
                for s in statistics where wanted.contains(s) {
                    w.key(s)
                    switch s {
                    case "SampleCount": w.double(b.count)
                    case "Average": w.double(b.count > 0 ? b.sum / b.count : 0)
                    case "Sum": w.double(b.sum)
                    case "Minimum": w.double(b.minimum)
                    default: w.double(b.maximum)
                    }
                }
                if !extended.isEmpty {
                    w.key("ExtendedStatistics"); w.beginObject()
                    for e in extended {
                        if let v = Percentile.of(b.samples, Percentile.parse(e)!) { w.key(e); w.double(v) }
                    }
                    w.endObject()
                }
                w.member("Unit", b.unit)
                w.endObject()
            }
            w.endArray()
        }
    }
}
