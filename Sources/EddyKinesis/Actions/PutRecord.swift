import EddyStorage
/// PutRecord: one record, routed by partition key (or ExplicitHashKey), acknowledged once it
/// is in the shard's log.
enum PutRecord: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let stream = try c.usableStream(try c.streamKey())
        let entry = try RecordRouting.entry(c.input, path: "", stream: stream)
        guard let position = RecordRouting.shardPosition(for: entry.hashKey, in: stream) else {
            throw .internalFailure("No open shard owns hash key \(entry.hashKey).")
        }
        let shard = stream.shards[position]
        let appended: (first: UInt64, arrival: Int64)
        do {
            appended = try shard.log.append([LogRecord(partitionKey: entry.partitionKey, data: entry.data)], now: c.now)
        } catch {
            throw .internalFailure("Could not write the record: \(error)")
        }
        let sequence = stream.sequenceNumber(shard: shard.index, counter: appended.first, arrival: appended.arrival)
        return json { w in
            w.member("ShardId", shard.id)
            w.member("SequenceNumber", sequence.description)
            if stream.encryptionType != "NONE" { w.member("EncryptionType", stream.encryptionType) }
        }
    }
}
