import EddyWire

/// PutRecords: up to 500 records and 5 MiB in one call, each routed to its shard; every shard's
/// share is written with one append, and results come back in request order.
extension KinesisAPI.PutRecords: KinesisAction {
    static let maxRequestBytes = 5 << 20

    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let stream = try c.usableStream(try c.streamKey(name: input.streamName, arn: input.streamARN))
        var entries: [StreamStore.AppendEntry] = []
        entries.reserveCapacity(input.records.count)
        var total = 0
        for (i, record) in input.records.enumerated() {
            let entry = try RecordEntries.entry(partitionKey: record.partitionKey, data: record.data, explicitHashKey: record.explicitHashKey,
                                                listIndex: i, stream: stream)
            total += entry.size
            entries.append(entry)
        }
        if total > maxRequestBytes { throw .invalidArgument("Records size exceeds 5 MB limit") }
        let (current, outcomes) = try c.store.append(entries, to: stream, now: c.now)

        var results: [KinesisAPI.PutRecordsResultEntry] = []
        results.reserveCapacity(outcomes.count)
        var stored = 0, throttled = 0, failed = 0, bytes = 0
        var shardCounts: [Int: (records: Int, bytes: Int)] = [:]
        let countShards = c.metrics.sink != nil && !stream.shardLevelMetrics.isEmpty
        for (entry, outcome) in zip(entries, outcomes) {
            switch outcome {
            case .stored(let shard, let sequence):
                stored += 1
                bytes += entry.size
                if countShards {
                    shardCounts[shard, default: (0, 0)].records += 1
                    shardCounts[shard, default: (0, 0)].bytes += entry.size
                }
                results.append(KinesisAPI.PutRecordsResultEntry(sequenceNumber: sequence.description, shardId: ShardId.format(shard)))
            case .throttled(let shard):
                throttled += 1
                results.append(KinesisAPI.PutRecordsResultEntry(
                    errorCode: "ProvisionedThroughputExceededException",
                    errorMessage: "Rate exceeded for shard \(ShardId.format(shard)) in stream \(stream.name) under account \(stream.key.account)."))
            case .failed:
                failed += 1
                results.append(KinesisAPI.PutRecordsResultEntry(errorCode: "InternalFailure", errorMessage: "Internal service failure."))
            }
        }
        let m = c.metrics
        m.emit(stream.key, "IncomingRecords", Double(stored))
        m.emit(stream.key, "IncomingBytes", Double(bytes), unit: "Bytes")
        m.emit(stream.key, "PutRecords.Bytes", Double(bytes), unit: "Bytes")
        m.emit(stream.key, "PutRecords.Records", Double(stored))
        m.emit(stream.key, "PutRecords.TotalRecords", Double(entries.count))
        m.emit(stream.key, "PutRecords.SuccessfulRecords", Double(stored))
        m.emit(stream.key, "PutRecords.FailedRecords", Double(failed))
        m.emit(stream.key, "PutRecords.ThrottledRecords", Double(throttled))
        m.emit(stream.key, "PutRecords.Success", 1)
        m.latency(stream.key, "PutRecords")
        if throttled > 0 { m.emit(stream.key, "WriteProvisionedThroughputExceeded", Double(throttled)) }
        for (index, counts) in shardCounts {
            guard let shard = current.shards.first(where: { $0.index == index }) else { continue }
            m.emitShard(current, shard, .IncomingRecords, Double(counts.records))
            m.emitShard(current, shard, .IncomingBytes, Double(counts.bytes), unit: "Bytes")
        }
        return Output(failedRecordCount: failed + throttled, records: results, encryptionType: stream.reportedEncryption)
    }
}
