/// Where services report the metrics AWS would publish for them (AWS/Kinesis, …); the
/// CloudWatch stand-in implements it.
public protocol MetricsSink: Sendable {
    func record(_ datum: MetricDatum)
}

public struct MetricDatum: Sendable {
    public var account: String
    public var region: String
    public var namespace: String
    public var name: String
    public var dimensions: [(name: String, value: String)]
    public var unit: String
    /// Aggregate of the samples: count, sum, minimum, maximum.
    public var count: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double
    public var timestampMillis: Int64
    /// 1 for high-resolution (per-second) metrics, else 60.
    public var resolutionSeconds: Int

    public init(account: String, region: String, namespace: String, name: String, dimensions: [(name: String, value: String)],
                unit: String, value: Double, timestampMillis: Int64, resolutionSeconds: Int = 60) {
        self.init(account: account, region: region, namespace: namespace, name: name, dimensions: dimensions, unit: unit,
                  count: 1, sum: value, minimum: value, maximum: value, timestampMillis: timestampMillis, resolutionSeconds: resolutionSeconds)
    }

    public init(account: String, region: String, namespace: String, name: String, dimensions: [(name: String, value: String)],
                unit: String, count: Double, sum: Double, minimum: Double, maximum: Double, timestampMillis: Int64,
                resolutionSeconds: Int = 60) {
        self.account = account
        self.region = region
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions
        self.unit = unit
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.timestampMillis = timestampMillis
        self.resolutionSeconds = resolutionSeconds
    }
}
