import EddyWire

/// PutMetricData: values, Values+Counts or StatisticValues, dimensions, units, high resolution.
enum PutMetricData: CloudWatchAction {
    static func perform(_ c: CloudWatchContext) throws(CloudWatchError) -> [UInt8] {
        let namespace = c.input["Namespace"]?.string ?? ""
        if namespace.hasPrefix("AWS/") {
            throw .invalidParameterValue("The value AWS/ for parameter Namespace is invalid.")
        }
        for item in c.input["MetricData"]?.array ?? [] {
            guard let d = item.object, let name = d["MetricName"]?.string else { continue }
            let unit = d["Unit"]?.string ?? "None"
            let millis = d["Timestamp"]?.double.map { Int64($0 * 1000) } ?? c.now
            let resolution = d["StorageResolution"]?.int == 1 ? 1 : 60
            let dims = c.dimensions(d["Dimensions"])
            func datum(count: Double, sum: Double, min: Double, max: Double) -> MetricDatum {
                MetricDatum(account: c.request.accountId, region: c.request.region, namespace: namespace, name: name, dimensions: dims,
                            unit: unit, count: count, sum: sum, minimum: min, maximum: max, timestampMillis: millis,
                            resolutionSeconds: resolution)
            }
            if let stats = d["StatisticValues"]?.object {
                guard let n = stats["SampleCount"]?.double, let s = stats["Sum"]?.double,
                      let lo = stats["Minimum"]?.double, let hi = stats["Maximum"]?.double else {
                    throw .missingParameter("The parameter MetricData.member.StatisticValues must contain SampleCount, Sum, Minimum and Maximum.")
                }
                c.store.record(datum(count: n, sum: s, min: lo, max: hi))
            } else if let values = d["Values"]?.array {
                let counts = d["Counts"]?.array?.compactMap(\.double) ?? []
                if !counts.isEmpty && counts.count != values.count {
                    throw .invalidParameterValue("The parameters MetricData.member.Values and MetricData.member.Counts must be of the same size.")
                }
                for (i, v) in values.compactMap(\.double).enumerated() {
                    let n = counts.isEmpty ? 1 : counts[i]
                    c.store.record(datum(count: n, sum: v * n, min: v, max: v))
                }
            } else if let v = d["Value"]?.double {
                c.store.record(datum(count: 1, sum: v, min: v, max: v))
            } else {
                throw .missingParameter("The parameter MetricData.member.Value is required when Values and StatisticValues are not given.")
            }
        }
        return json { _ in }
    }
}
