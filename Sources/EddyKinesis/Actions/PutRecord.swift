import EddyWire
import EddyStorage
/// PutRecord: one record, routed by partition key (or ExplicitHashKey), acknowledged once it
/// is in the shard's log.
enum PutRecord: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let stream = try c.usableStream(try c.streamKey())
        let entry = try RecordRouting.entry(c.input, listIndex: nil, stream: stream)
        var current = stream
        var placed: (shard: Shard, sequence: SequenceNumber)?
        // A reshard can close the shard between routing and appending: route again.
        for attempt in 0..<3 where placed == nil {
            if attempt > 0 { current = try c.usableStream(current.key) }
            guard let position = RecordRouting.shardPosition(for: entry.hashKey, in: current) else {
                throw .internalFailure("No open shard owns hash key \(entry.hashKey).")
            }
            let shard = current.shards[position]
            if let limiter = c.store.limiter,
               !limiter.admitWrite("\(current.id)/\(shard.index)", bytes: entry.data.count + entry.partitionKey.utf8.count, now: c.now) {
                c.emit(current.key, "WriteProvisionedThroughputExceeded", 1)
                c.emit(current.key, "PutRecord.Success", 0)
                throw .rateExceeded(shard.id, current.key)
            }
            do {
                let appended = try shard.log.append([LogRecord(partitionKey: entry.partitionKey, data: entry.data)], now: c.now)
                placed = (shard, current.sequenceNumber(shard: shard.index, counter: appended.first, arrival: appended.arrival))
            } catch is ShardLog.SealedError {
                continue
            } catch {
                throw .internalFailure("Could not write the record: \(error)")
            }
        }
        guard let (shard, sequence) = placed else { throw .internalFailure("The stream was resharded while writing; retry.") }
        let bytes = Double(entry.data.count + entry.partitionKey.utf8.count)
        c.emit(stream.key, "IncomingRecords", 1)
        c.emit(stream.key, "IncomingBytes", bytes, unit: "Bytes")
        c.emit(stream.key, "PutRecord.Bytes", bytes, unit: "Bytes")
        c.emit(stream.key, "PutRecord.Success", 1)
        c.emitLatency(stream.key, "PutRecord")
        c.emitShard(stream, shard, "IncomingRecords", 1)
        c.emitShard(stream, shard, "IncomingBytes", bytes, unit: "Bytes")
        return json { w in
            w.member("ShardId", shard.id)
            w.member("SequenceNumber", sequence.description)
            if stream.encryptionType != "NONE" { w.member("EncryptionType", stream.encryptionType) }
        }
    }
}
