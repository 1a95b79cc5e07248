import EddyWire

/// Operations that change a stream's settings: the change is kept, persisted and reported by
/// DescribeStream(Summary); those AWS runs asynchronously pass the stream through UPDATING.
enum StreamSettings {
    /// Every shard-level metric, in AWS's order (what `ALL` stands for).
    static let allMetrics: [ShardLevelMetric] = ShardLevelMetric.allCases.filter { $0 != .ALL }

    /// Applies `change` to an ACTIVE stream, optionally entering UPDATING, and saves it.
    static func change<T>(_ c: KinesisContext, key: StreamKey, updating: Bool,
                          _ change: (inout Stream) throws(KinesisError) -> T) throws(KinesisError) -> T {
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) -> T in
            let result = try change(&s)
            if updating {
                s.storedStatus = .UPDATING
                s.statusChangedMillis = c.now
            }
            return result
        }, persist: c.store.saveSettings)
    }

    /// Enable/DisableEnhancedMonitoring: the metrics before and after the change.
    static func monitoring(_ asked: [ShardLevelMetric], streamName: String?, streamARN: String?, enable: Bool,
                           _ c: KinesisContext) throws(KinesisError) -> KinesisAPI.EnhancedMonitoringOutput {
        let key = try c.streamKey(name: streamName, arn: streamARN)
        let wanted = asked.contains(.ALL) ? allMetrics : allMetrics.filter(asked.contains)
        let (before, after, arn) = try change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            let before = s.shardLevelMetrics
            let set = enable ? Set(before).union(wanted) : Set(before).subtracting(wanted)
            s.shardLevelMetrics = allMetrics.filter(set.contains)
            return (before, s.shardLevelMetrics, s.arn)
        }
        return KinesisAPI.EnhancedMonitoringOutput(streamName: key.name, currentShardLevelMetrics: before, desiredShardLevelMetrics: after,
                                                   streamARN: arn)
    }
}
