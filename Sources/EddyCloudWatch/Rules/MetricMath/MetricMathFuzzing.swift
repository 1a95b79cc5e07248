/// Metric math, search expressions and Metrics Insights queries as a fuzz target reaches them
/// (one entry point, so the parsers stay internal): the input is computed as an expression over
/// two sample series, and parsed as a search and as a query whose filter is applied.
package enum MetricMathFuzzing {
    static let start: Int64 = 1_800_000_000
    static func sample(_ label: String, _ values: [Double]) -> TimeSeries {
        TimeSeries(label: label, period: 60, points: Dictionary(uniqueKeysWithValues: values.enumerated().map { (start + Int64($0.offset) * 60, $0.element) }))
    }

    static let candidates = [
        MetricSearch.Candidate(namespace: "AWS/Kinesis", name: "IncomingRecords", dimensions: [("StreamName", "orders")]),
        MetricSearch.Candidate(namespace: "Shop", name: "Errors", dimensions: [("Store", "a"), ("Region", "eu")]),
    ]

    /// False when an expression made more points than a query can answer (the target traps then).
    package static func run(_ input: [UInt8]) -> Bool {
        guard let text = String(validating: input, as: UTF8.self) else { return true }
        let environment = MathEnvironment(
            values: ["m1": .series(sample("A", [1, 2, 3, 4])), "m2": .series(sample("B", [10, -1, 0, 1e300]))],
            metricIds: ["m1", "m2"], start: start, end: start + 3600, period: 60) { expression, _, period throws(MathFailure) in
                let search = try MetricSearch.parse(expression)
                return candidates.filter(search.matches).map { TimeSeries(label: $0.name, period: period, points: [start: 1]) }
            }
        var bounded = true
        if let value = try? MathParser.evaluate(text, in: environment) {
            let series: [TimeSeries]
            switch value {
            case .series(let s): series = [s]
            case .array(let l): series = l
            default: series = []
            }
            bounded = series.allSatisfy { $0.points.count <= CloudWatchAPI.GetMetricData.defaultMaxDatapoints }
        }
        if let search = try? MetricSearch.parse(text) { _ = candidates.map(search.matches) }
        if let query = try? InsightsQuery.parse(text) {
            _ = candidates.map { query.condition?.holds(Dictionary($0.dimensions.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })) }
        }
        _ = MathParser.references(in: text)
        return bounded
    }
}
