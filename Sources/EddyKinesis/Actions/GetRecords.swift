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
        let limiterKey = "\(stream.id)/\(shard.index)"
        if let limiter = c.store.limiter, !limiter.admitRead(limiterKey, now: c.now) {
            c.emit(key, "ReadProvisionedThroughputExceeded", 1)
            c.emit(key, "GetRecords.Success", 0)
            throw .rateExceeded(shard.id, key)
        }
        let limit = c.int("Limit") ?? 10_000
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("Records"); w.beginArray()
        var lastArrival: Int64 = 0
        let result: ShardLog.ReadResult
        do {
            result = try shard.log.read(from: iterator.position, maxRecords: limit, maxBytes: maxBytes) { record in
                w.record(record, of: stream, shard: shard)
                lastArrival = record.arrivalMillis
            }
        } catch {
            throw .internalFailure("Could not read shard \(shardName): \(error)")
        }
        w.endArray()
        c.store.limiter?.chargeRead(limiterKey, bytes: result.bytes)
        let caughtUp = result.nextSequence >= shard.log.bounds.next
        if let end = shard.endCounter, result.nextSequence >= end {
            // The end of a closed shard: no next iterator; the children say where to go on.
            w.childShards(of: shard, in: stream)
        } else {
            var next = iterator
            next.position = result.nextSequence
            next.createdMillis = c.now
            w.key("NextShardIterator"); w.string(next.encode(key: c.iteratorKey))
        }
        let behind = caughtUp ? 0 : Int(max(0, c.now - lastArrival))
        w.key("MillisBehindLatest"); w.int(behind)
        w.endObject()
        c.emit(key, "GetRecords.Records", Double(result.count))
        c.emit(key, "GetRecords.Bytes", Double(result.bytes), unit: "Bytes")
        c.emit(key, "GetRecords.Success", 1)
        c.emitLatency(key, "GetRecords")
        c.emit(key, "GetRecords.IteratorAgeMilliseconds", Double(behind), unit: "Milliseconds")
        c.emitShard(stream, shard, "OutgoingRecords", Double(result.count))
        c.emitShard(stream, shard, "OutgoingBytes", Double(result.bytes), unit: "Bytes")
        c.emitShard(stream, shard, "IteratorAgeMilliseconds", Double(behind), unit: "Milliseconds")
        return w.bytes
    }
}

extension JSONWriter {
    /// A record as GetRecords and SubscribeToShard events carry it.
    mutating func record(_ record: RecordView, of stream: Stream, shard: Shard) {
        beginObject()
        key("SequenceNumber")
        let sequence = stream.sequenceNumber(shard: shard.index, counter: record.sequence, arrival: record.arrivalMillis)
        stringOfSafeASCII { sequence.write(into: &$0) }
        key("ApproximateArrivalTimestamp"); timestamp(millis: record.arrivalMillis)
        key("Data"); base64(record.data)
        key("PartitionKey"); string(String(decoding: record.partitionKey, as: UTF8.self))
        if stream.encryptionType != "NONE" { key("EncryptionType"); string(stream.encryptionType) }
        endObject()
    }

    mutating func childShards(of shard: Shard, in stream: Stream) {
        key("ChildShards"); beginArray()
        for child in stream.shards where child.parent == shard.index || child.adjacentParent == shard.index {
            beginObject()
            member("ShardId", child.id)
            key("ParentShards"); beginArray()
            for p in [child.parent, child.adjacentParent].compactMap({ $0 }) { string(ShardId.format(p)) }
            endArray()
            hashKeyRange(child.hashRange)
            endObject()
        }
        endArray()
    }
}
