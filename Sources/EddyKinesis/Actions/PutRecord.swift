import EddyWire

/// PutRecord: one record, routed by partition key (or ExplicitHashKey), acknowledged once it is
/// in the shard's log.
extension KinesisAPI.PutRecord: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let stream = try c.usableStream(try c.streamKey(name: input.streamName, arn: input.streamARN))
        let entry = try RecordEntries.entry(partitionKey: input.partitionKey, data: input.data, explicitHashKey: input.explicitHashKey,
                                            listIndex: nil, stream: stream)
        let (current, outcomes) = try c.store.append([entry], to: stream, now: c.now)
        let m = c.metrics
        switch outcomes.first {
        case .stored(let index, let sequence)?:
            let bytes = Double(entry.size)
            m.emit(stream.key, "IncomingRecords", 1)
            m.emit(stream.key, "IncomingBytes", bytes, unit: "Bytes")
            m.emit(stream.key, "PutRecord.Bytes", bytes, unit: "Bytes")
            m.emit(stream.key, "PutRecord.Success", 1)
            m.latency(stream.key, "PutRecord")
            if let shard = current.shards.first(where: { $0.index == index }) {
                m.emitShard(current, shard, .IncomingRecords, 1)
                m.emitShard(current, shard, .IncomingBytes, bytes, unit: "Bytes")
            }
            return Output(shardId: ShardId.format(index), sequenceNumber: sequence.description, encryptionType: stream.reportedEncryption)
        case .throttled(let index)?:
            m.emit(stream.key, "WriteProvisionedThroughputExceeded", 1)
            m.emit(stream.key, "PutRecord.Success", 0)
            throw .rateExceeded(ShardId.format(index), stream.key)
        case .failed?, nil:
            throw .internalFailure("The record could not be written (the stream was resharded while writing, or its log failed); retry.")
        }
    }
}
