import EddyWire
import EddyStorage

/// GetRecords: up to Limit records (10,000) or 10 MiB from the iterator's position, streamed
/// from the shard log straight into the JSON answer.
enum GetRecords: KinesisAction {
    static let maxBytes = 10 << 20

    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let text = c.string("ShardIterator")!
        let iterator: ShardIterator
        do {
            iterator = try ShardIterator.decode(text, key: c.iteratorKey)
        } catch {
            throw .invalidArgument("Invalid ShardIterator.")
        }
        if c.now - iterator.createdMillis > ShardIterator.lifetimeMillis {
            throw .expiredIterator("Iterator expired. The iterator was created at time \(AWSDate.javaString(iterator.createdMillis)) while right now it is \(AWSDate.javaString(c.now)) which is further in the future than the tolerated delay of \(ShardIterator.lifetimeMillis) milliseconds.")
        }
        let key = StreamKey(account: iterator.accountId, region: iterator.region, name: iterator.streamName)
        if let arn = c.string("StreamARN"), arn != key.arn {
            throw .invalidArgument("StreamARN \(arn) does not match the stream of the ShardIterator.")
        }
        let shardName = ShardId.format(iterator.shardIndex)
        guard let stream = c.store.stream(key, now: c.now), stream.token == iterator.streamToken,
              let shard = stream.shards.first(where: { $0.index == iterator.shardIndex }) else {
            throw .shardNotFound(shardName, key.name, key.account)
        }
        let limit = c.int("Limit") ?? 10_000
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("Records"); w.beginArray()
        var lastArrival: Int64 = 0
        let result: ShardLog.ReadResult
        do {
            result = try shard.log.read(from: iterator.position, maxRecords: limit, maxBytes: maxBytes) { record in
                w.beginObject()
                w.key("SequenceNumber")
                let sequence = stream.sequenceNumber(shard: shard.index, counter: record.sequence, arrival: record.arrivalMillis)
                w.stringOfSafeASCII { sequence.write(into: &$0) }
                w.key("ApproximateArrivalTimestamp"); w.timestamp(millis: record.arrivalMillis)
                w.key("Data"); w.base64(record.data)
                w.key("PartitionKey"); w.string(String(decoding: record.partitionKey, as: UTF8.self))
                if stream.encryptionType != "NONE" { w.key("EncryptionType"); w.string(stream.encryptionType) }
                w.endObject()
                lastArrival = record.arrivalMillis
            }
        } catch {
            throw .internalFailure("Could not read shard \(shardName): \(error)")
        }
        w.endArray()
        let caughtUp = result.nextSequence >= shard.log.bounds.next
        if let end = shard.endCounter, result.nextSequence >= end {
            // The end of a closed shard: no next iterator; the children say where to go on.
            w.key("ChildShards"); w.beginArray()
            for child in stream.shards where child.parent == shard.index || child.adjacentParent == shard.index {
                w.beginObject()
                w.member("ShardId", child.id)
                w.key("ParentShards"); w.beginArray()
                for p in [child.parent, child.adjacentParent].compactMap({ $0 }) { w.string(ShardId.format(p)) }
                w.endArray()
                w.hashKeyRange(child.hashRange)
                w.endObject()
            }
            w.endArray()
        } else {
            var next = iterator
            next.position = result.nextSequence
            next.createdMillis = c.now
            w.key("NextShardIterator"); w.string(next.encode(key: c.iteratorKey))
        }
        w.key("MillisBehindLatest"); w.int(caughtUp ? 0 : Int(max(0, c.now - lastArrival)))
        w.endObject()
        return w.bytes
    }
}
