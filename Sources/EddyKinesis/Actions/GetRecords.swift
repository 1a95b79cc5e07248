import EddyStorage
import EddyWire

/// GetRecords: up to Limit records (10,000) or 10 MiB from the iterator's position.
extension KinesisAPI.GetRecords: KinesisAction {
    static let maxBytes = 10 << 20

    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let iterator: ShardIterator
        do {
            iterator = try ShardIterator.decode(input.shardIterator, key: c.iteratorKey)
        } catch {
            throw .invalidArgument("Invalid ShardIterator.")
        }
        if iterator.createdMillis < c.now - ShardIterator.lifetimeMillis {
            throw .expiredIterator("Iterator expired. The iterator was created at time \(AWSDate.javaString(iterator.createdMillis)) while right now it is \(AWSDate.javaString(c.now)) which is further in the future than the tolerated delay of \(ShardIterator.lifetimeMillis) milliseconds.")
        }
        let key = StreamKey(account: iterator.accountId, region: iterator.region, name: iterator.streamName)
        if let arn = input.streamARN, arn != key.arn {
            throw .invalidArgument("StreamARN \(arn) does not match the stream of the ShardIterator.")
        }
        let shardName = ShardId.format(iterator.shardIndex)
        guard let stream = c.store.stream(key, now: c.now), stream.token == iterator.streamToken,
              let shard = stream.shards.first(where: { $0.index == iterator.shardIndex }) else {
            throw .shardNotFound(shardName, key.name, key.account)
        }
        let m = c.metrics
        let limiterKey = "\(stream.id)/\(shard.index)"
        if let limiter = c.store.limiter, !limiter.admitRead(limiterKey, now: c.now) {
            m.emit(key, "ReadProvisionedThroughputExceeded", 1)
            m.emit(key, "GetRecords.Success", 0)
            throw .rateExceeded(shard.id, key)
        }
        var records: [KinesisAPI.Record] = []
        var lastArrival: Int64 = 0
        let result: ShardLog.ReadResult
        do {
            // The model bounds Limit to 1…10000.
            result = try shard.log.read(from: iterator.position, maxRecords: max(0, input.limit ?? 10_000), maxBytes: maxBytes) { record in
                records.append(stream.described(record, in: shard))
                lastArrival = record.arrivalMillis
            }
        } catch {
            throw .internalFailure("Could not read shard \(shardName): \(error)")
        }
        c.store.limiter?.chargeRead(limiterKey, bytes: result.bytes)
        let caughtUp = result.nextSequence >= shard.log.bounds.next
        let behind = caughtUp ? 0 : max(0, c.now - lastArrival)
        var output = Output(records: records, millisBehindLatest: behind)
        if let end = shard.endCounter, result.nextSequence >= end {
            // The end of a closed shard: no next iterator; the children say where to go on.
            output.childShards = stream.childShards(of: shard)
        } else {
            var next = iterator
            next.position = result.nextSequence
            next.createdMillis = c.now
            output.nextShardIterator = next.encode(key: c.iteratorKey)
        }
        c.readers.saw(.polling, stream: key, shardIndex: shard.index, client: c.userAgent, records: result.count, millisBehindLatest: behind, now: c.now)
        m.emit(key, "GetRecords.Records", Double(result.count))
        m.emit(key, "GetRecords.Bytes", Double(result.bytes), unit: "Bytes")
        m.emit(key, "GetRecords.Success", 1)
        m.latency(key, "GetRecords")
        m.emit(key, "GetRecords.IteratorAgeMilliseconds", Double(behind), unit: "Milliseconds")
        m.emitShard(stream, shard, .OutgoingRecords, Double(result.count))
        m.emitShard(stream, shard, .OutgoingBytes, Double(result.bytes), unit: "Bytes")
        m.emitShard(stream, shard, .IteratorAgeMilliseconds, Double(behind), unit: "Milliseconds")
        return output
    }
}
