import EddyWire

/// Where a reader starts in a shard: GetShardIterator's iterator types and SubscribeToShard's
/// StartingPosition, with AWS's checks that a sequence number belongs to this shard and stream.
enum ShardPosition {
    static func resolve(_ type: KinesisAPI.ShardIteratorType, sequence startingSequence: String?, timestamp: Timestamp?, shard: Shard,
                        stream: Stream, key: StreamKey, now: Int64, operation: String) throws(KinesisError) -> UInt64 {
        let bounds = shard.log.bounds
        switch type {
        case .TRIM_HORIZON, .LATEST:
            if startingSequence != nil {
                throw .invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified \(type.rawValue) and also a StartingSequenceNumber.")
            }
            return type == .TRIM_HORIZON ? bounds.first : bounds.next
        case .AT_SEQUENCE_NUMBER, .AFTER_SEQUENCE_NUMBER:
            guard let text = startingSequence else {
                throw .invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified \(type.rawValue) and no StartingSequenceNumber.")
            }
            guard let seq = SequenceNumber(text) else {
                throw .invalidArgument("StartingSequenceNumber \(text) used in \(operation) on shard \(shard.id) in stream \(key.name) under account \(key.account) is invalid.")
            }
            if seq.shardIndex != shard.index {
                throw .invalidArgument("Invalid StartingSequenceNumber. It encodes \(ShardId.format(seq.shardIndex)), while it was used in a call to a shard with \(shard.id)")
            }
            if seq.streamToken != stream.token {
                throw .invalidArgument("StartingSequenceNumber \(text) used in \(operation) on shard \(shard.id) in stream \(key.name) under account \(key.account) is invalid because it did not come from this stream.")
            }
            // A number with no arrival part marks the gap before a record (a shard's starting
            // number, a continuation): the first record after it is the one at its counter.
            let after = type == .AFTER_SEQUENCE_NUMBER && seq.arrivalMillis != 0
            return after ? seq.counter.addingReportingOverflow(1).partialValue : seq.counter
        case .AT_TIMESTAMP:
            guard let millis = timestamp?.millis else {
                throw .invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
            }
            if millis > now {
                throw .invalidArgument("The timestampInMillis parameter cannot be greater than the currentTimeMillis. timestampInMillis: \(millis), currentTimeMillis: \(now)")
            }
            do {
                return try shard.log.sequence(atOrAfter: millis)
            } catch {
                throw .internalFailure("Could not read shard \(shard.id): \(error)")
            }
        }
    }
}
