import EddyWire

/// PutMetricData: values, Values+Counts or StatisticValues, dimensions, units, high resolution.
/// Every datum is checked before any is recorded, so a refused request stores nothing.
extension CloudWatchAPI.PutMetricData: CloudWatchAction {
    /// CloudWatch takes values between -2^360 and 2^360; NaN and the infinities are refused
    /// when the request is decoded.
    static let largestValue = 0x1p360

    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        if input.namespace.hasPrefix("AWS/") {
            throw .invalidParameterValue("The value AWS/ for parameter Namespace is invalid.")
        }
        var data: [MetricDatum] = []
        for (i, d) in (input.metricData ?? []).enumerated() {
            data += try datums(d, parameter: "MetricData.member.\(i + 1)", namespace: input.namespace, c)
        }
        // Entity-associated data are metrics like any other (Eddy keeps no entity index).
        for (i, entity) in (input.entityMetricData ?? []).enumerated() {
            for (j, d) in (entity.metricData ?? []).enumerated() {
                data += try datums(d, parameter: "EntityMetricData.member.\(i + 1).MetricData.member.\(j + 1)", namespace: input.namespace, c)
            }
        }
        for d in data { c.store.record(d) }
        return Output()
    }

    static func datums(_ d: CloudWatchAPI.MetricDatum, parameter: String, namespace: String,
                       _ c: CloudWatchContext) throws(CloudWatchError) -> [MetricDatum] {
        func checked(_ v: Double, _ member: String) throws(CloudWatchError) -> Double {
            guard v.magnitude <= largestValue else { throw .invalidValue(ValidationMessage.number(v), parameter: "\(parameter).\(member)") }
            return v
        }
        let resolution = d.storageResolution ?? 60
        guard resolution == 1 || resolution == 60 else {
            throw .invalidValue(String(resolution), parameter: "\(parameter).StorageResolution")
        }
        func datum(count: Double, sum: Double, min: Double, max: Double) -> MetricDatum {
            MetricDatum(account: c.request.accountId, region: c.request.region, namespace: namespace, name: d.metricName,
                        dimensions: (d.dimensions ?? []).pairs, unit: d.unit?.rawValue ?? "None", count: count, sum: sum, minimum: min,
                        maximum: max, timestampMillis: d.timestamp?.millis ?? c.now, resolutionSeconds: resolution)
        }
        if let stats = d.statisticValues {
            let n = try checked(stats.sampleCount, "StatisticValues.SampleCount")
            guard n > 0 else { throw .invalidValue(ValidationMessage.number(n), parameter: "\(parameter).StatisticValues.SampleCount") }
            return [datum(count: n, sum: try checked(stats.sum, "StatisticValues.Sum"), min: try checked(stats.minimum, "StatisticValues.Minimum"),
                          max: try checked(stats.maximum, "StatisticValues.Maximum"))]
        }
        if let values = d.values {
            let counts = d.counts ?? []
            if !counts.isEmpty && counts.count != values.count {
                throw .invalidParameterValue("The parameters \(parameter).Values and \(parameter).Counts must be of the same size.")
            }
            var out: [MetricDatum] = []
            for (i, value) in values.enumerated() {
                let v = try checked(value, "Values.member.\(i + 1)")
                let n = counts.isEmpty ? 1 : try checked(counts[i], "Counts.member.\(i + 1)")
                guard n >= 0 else { throw .invalidValue(ValidationMessage.number(n), parameter: "\(parameter).Counts.member.\(i + 1)") }
                out.append(datum(count: n, sum: v * n, min: v, max: v))
            }
            return out
        }
        if let value = d.value {
            let v = try checked(value, "Value")
            return [datum(count: 1, sum: v, min: v, max: v)]
        }
        throw .missingParameter("The parameter \(parameter).Value is required when Values and StatisticValues are not given.")
    }
}
