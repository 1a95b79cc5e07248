import EddyWire

/// Publishes the AWS/Kinesis metrics an operation causes, as AWS would: per stream (dimension
/// StreamName) and, where enhanced monitoring asks for them, per shard.
struct KinesisMetrics: Sendable {
    let sink: (any MetricsSink)?
    let now: Int64
    /// When the request started being handled (for the `<Operation>.Latency` metrics).
    let started: ContinuousClock.Instant

    init(sink: (any MetricsSink)?, now: Int64, started: ContinuousClock.Instant = .now) {
        self.sink = sink
        self.now = now
        self.started = started
    }

    func emit(_ stream: StreamKey, _ name: String, _ value: Double, unit: String = "Count") {
        sink?.record(MetricDatum(account: stream.account, region: stream.region, namespace: "AWS/Kinesis", name: name,
                                 dimensions: [("StreamName", stream.name)], unit: unit, value: value, timestampMillis: now))
    }

    /// `<operation>.Latency` in milliseconds since the request was taken up.
    func latency(_ stream: StreamKey, _ operation: String) {
        guard sink != nil else { return }
        let elapsed = (ContinuousClock.now - started).components
        emit(stream, "\(operation).Latency", Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15, unit: "Milliseconds")
    }

    /// A shard-level metric, when enhanced monitoring has it switched on.
    func emitShard(_ stream: Stream, _ shard: Shard, _ name: KinesisAPI.MetricsName, _ value: Double, unit: String = "Count") {
        guard let sink, stream.shardLevelMetrics.contains(name) else { return }
        sink.record(MetricDatum(account: stream.key.account, region: stream.key.region, namespace: "AWS/Kinesis", name: name.rawValue,
                                dimensions: [("StreamName", stream.name), ("ShardId", shard.id)], unit: unit, value: value,
                                timestampMillis: now))
    }
}
