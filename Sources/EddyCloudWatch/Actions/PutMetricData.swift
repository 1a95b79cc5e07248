import EddyWire

/// PutMetricData: values, Values+Counts or StatisticValues, dimensions, units, high resolution.
/// Every datum is checked before any is recorded, so a refused request stores nothing.
extension CloudWatchAPI.PutMetricData: CloudWatchAction {
    /// CloudWatch takes values between -2^360 and 2^360; NaN and the infinities are refused
    /// when the request is decoded.
    static let largestValue = 0x1p360
    static let smallestValue = 0x1p-360
    /// AWS takes data points from the last two weeks up to two hours ahead.
    static let oldestMillis: Int64 = 14 * 86_400_000
    static let furthestAheadMillis: Int64 = 2 * 3_600_000
    /// Values (and Counts) of one datum.
    static let maxValues = 150

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
            guard v.magnitude <= largestValue, v == 0 || v.magnitude >= smallestValue else {
                throw .invalidValue(ValidationMessage.number(v), parameter: "\(parameter).\(member)")
            }
            return v
        }
        let given = [("Value", d.value != nil), ("Values", d.values != nil), ("StatisticValues", d.statisticValues != nil)].filter(\.1)
        if given.count > 1 {
            throw .invalidParameterCombination("The parameters \(parameter).\(given[0].0) and \(parameter).\(given[1].0) are mutually exclusive "
                                                + "and you have specified both.")
        }
        if d.counts != nil && d.values == nil {
            throw .invalidParameterCombination("The parameter \(parameter).Counts can only be given with \(parameter).Values.")
        }
        for (name, list) in [("Values", d.values ?? []), ("Counts", d.counts ?? [])] where list.count > maxValues {
            throw .invalidParameterValue("The collection \(parameter).\(name) must not have a size greater than \(maxValues).")
        }
        if let t = d.timestamp?.millis {
            guard t >= c.now - oldestMillis else {
                throw .invalidParameterValue("The parameter \(parameter).Timestamp must specify a time no more than two weeks in the past.")
            }
            guard t <= c.now + furthestAheadMillis else {
                throw .invalidParameterValue("The parameter \(parameter).Timestamp must specify a time no more than two hours in the future.")
            }
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
            let sum = try checked(stats.sum, "StatisticValues.Sum")
            let minimum = try checked(stats.minimum, "StatisticValues.Minimum"), maximum = try checked(stats.maximum, "StatisticValues.Maximum")
            let set = "\(parameter).StatisticValues"
            guard minimum <= maximum else {
                throw .invalidParameterValue("The parameter \(set).Maximum must be greater than or equal to \(set).Minimum.")
            }
            // The sum of n values between the minimum and the maximum lies between n × each
            // (with a rounding margin, as sums of doubles are inexact).
            let margin = max(sum.magnitude, (minimum * n).magnitude, (maximum * n).magnitude) * 1e-9
            guard sum >= minimum * n - margin, sum <= maximum * n + margin else {
                throw .invalidParameterValue("The parameter \(set).Sum must lie between \(set).SampleCount times \(set).Minimum "
                                             + "and \(set).SampleCount times \(set).Maximum.")
            }
            return [datum(count: n, sum: sum, min: minimum, max: maximum)]
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
