import EddyWire
/// GetShardIterator: TRIM_HORIZON, LATEST, AT/AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP, with
/// AWS's checks that a sequence number belongs to this shard of this stream.
enum GetShardIterator: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let shardText = c.string("ShardId")!
        let stream = try c.usableStream(key)
        guard let index = ShardId.parse(shardText), let shard = stream.shards.first(where: { $0.index == index }) else {
            throw .shardNotFound(ShardId.parse(shardText).map(ShardId.format) ?? shardText, key.name, key.account)
        }
        let position = try ShardPosition.resolve(type: c.string("ShardIteratorType")!, sequence: c.string("StartingSequenceNumber"),
                                                 timestamp: c.input["Timestamp"], shard: shard, stream: stream, key: key, now: c.now,
                                                 operation: "GetShardIterator")
        let iterator = ShardIterator(accountId: key.account, region: key.region, streamName: key.name, streamToken: stream.token,
                                     shardIndex: shard.index, position: position, createdMillis: c.now)
        return json { w in w.member("ShardIterator", iterator.encode(key: c.iteratorKey)) }
    }
}
