import EddyWire

/// GetShardIterator: TRIM_HORIZON, LATEST, AT/AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP, with
/// AWS's checks that a sequence number belongs to this shard of this stream.
extension KinesisAPI.GetShardIterator: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        let stream = try c.usableStream(key)
        guard let index = ShardId.parse(input.shardId), let shard = stream.shards.first(where: { $0.index == index }) else {
            throw .shardNotFound(ShardId.parse(input.shardId).map(ShardId.format) ?? input.shardId, key.name, key.account)
        }
        let position = try ShardPosition.resolve(input.shardIteratorType, sequence: input.startingSequenceNumber, timestamp: input.timestamp,
                                                 shard: shard, stream: stream, key: key, now: c.now, operation: "GetShardIterator")
        let iterator = ShardIterator(accountId: key.account, region: key.region, streamName: key.name, streamToken: stream.token,
                                     shardIndex: shard.index, position: position, createdMillis: c.now)
        return Output(shardIterator: iterator.encode(key: c.iteratorKey))
    }
}
