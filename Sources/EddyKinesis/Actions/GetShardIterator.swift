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
        let type = c.string("ShardIteratorType")!
        let startingSequence = c.string("StartingSequenceNumber")
        let bounds = shard.log.bounds
        let position: UInt64
        switch type {
        case "TRIM_HORIZON", "LATEST":
            if startingSequence != nil {
                throw .invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified \(type) and also a StartingSequenceNumber.")
            }
            position = type == "TRIM_HORIZON" ? bounds.first : bounds.next
        case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
            guard let text = startingSequence else {
                throw .invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified \(type) and no StartingSequenceNumber.")
            }
            guard let seq = SequenceNumber(text) else {
                throw .invalidArgument("StartingSequenceNumber \(text) used in GetShardIterator on shard \(shard.id) in stream \(key.name) under account \(key.account) is invalid.")
            }
            if seq.shardIndex != shard.index {
                throw .invalidArgument("Invalid StartingSequenceNumber. It encodes \(ShardId.format(seq.shardIndex)), while it was used in a call to a shard with \(shard.id)")
            }
            if seq.streamToken != stream.token {
                throw .invalidArgument("StartingSequenceNumber \(text) used in GetShardIterator on shard \(shard.id) in stream \(key.name) under account \(key.account) is invalid because it did not come from this stream.")
            }
            position = type == "AT_SEQUENCE_NUMBER" ? seq.counter : seq.counter + 1
        case "AT_TIMESTAMP":
            guard let seconds = c.input["Timestamp"]?.double ?? c.string("Timestamp").flatMap(Double.init) else {
                throw .invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
            }
            let millis = Int64((seconds * 1000).rounded(.down))
            if millis > c.now {
                throw .invalidArgument("The timestampInMillis parameter cannot be greater than the currentTimeMillis. timestampInMillis: \(millis), currentTimeMillis: \(c.now)")
            }
            do {
                position = try shard.log.sequence(atOrAfter: millis)
            } catch {
                throw .internalFailure("Could not read shard \(shard.id): \(error)")
            }
        default:
            throw .invalidArgument("Unknown ShardIteratorType \(type).")
        }
        let iterator = ShardIterator(accountId: key.account, region: key.region, streamName: key.name, streamToken: stream.token,
                                     shardIndex: shard.index, position: position, createdMillis: c.now)
        return json { w in w.member("ShardIterator", iterator.encode(key: c.iteratorKey)) }
    }
}
