import EddyStorage
import EddyWire

/// How streams, shards, consumers and records are described in answers.
extension Stream {
    var modeDetails: KinesisAPI.StreamModeDetails { KinesisAPI.StreamModeDetails(streamMode: mode) }

    var enhancedMonitoring: [KinesisAPI.EnhancedMetrics] { [KinesisAPI.EnhancedMetrics(shardLevelMetrics: shardLevelMetrics)] }

    /// Only an encrypted stream names its encryption on records and puts.
    var reportedEncryption: EncryptionType? { encryptionType == .NONE ? nil : encryptionType }

    var creationTimestamp: Timestamp { Timestamp(millis: createdMillis) }

    func described(_ shard: Shard) -> KinesisAPI.Shard {
        KinesisAPI.Shard(
            shardId: shard.id, parentShardId: shard.parent.map(ShardId.format),
            adjacentParentShardId: shard.adjacentParent.map(ShardId.format), hashKeyRange: HashKey.described(shard.hashRange),
            sequenceNumberRange: KinesisAPI.SequenceNumberRange(
                startingSequenceNumber: startingSequenceNumber(shard).description,
                endingSequenceNumber: shard.endCounter.map { sequenceNumber(shard: shard.index, counter: $0, arrival: 0).description }))
    }

    /// The shards a closed shard's readers go on with.
    func childShards(of shard: Shard) -> [KinesisAPI.ChildShard] {
        shards.filter { $0.parent == shard.index || $0.adjacentParent == shard.index }.map { child in
            KinesisAPI.ChildShard(shardId: child.id, parentShards: [child.parent, child.adjacentParent].compactMap { $0 }.map(ShardId.format),
                                  hashKeyRange: HashKey.described(child.hashRange))
        }
    }

    /// A record as GetRecords and SubscribeToShard events carry it.
    func described(_ record: RecordView, in shard: Shard) -> KinesisAPI.Record {
        KinesisAPI.Record(sequenceNumber: sequenceNumber(shard: shard.index, counter: record.sequence, arrival: record.arrivalMillis).description,
                          approximateArrivalTimestamp: Timestamp(millis: record.arrivalMillis), data: Array(record.data),
                          partitionKey: String(decoding: record.partitionKey, as: UTF8.self), encryptionType: reportedEncryption)
    }
}

extension HashKey {
    static func described(_ range: ClosedRange<UInt128>) -> KinesisAPI.HashKeyRange {
        KinesisAPI.HashKeyRange(startingHashKey: String(range.lowerBound), endingHashKey: String(range.upperBound))
    }
}

extension Consumer {
    /// Consumers are CREATING, ACTIVE or DELETING.
    func reportedStatus(now: Int64, timing: StreamTiming) -> KinesisAPI.ConsumerStatus {
        switch status(now: now, timing: timing) {
        case .CREATING: .CREATING
        case .DELETING: .DELETING
        case .ACTIVE, .UPDATING: .ACTIVE
        }
    }

    func described(of stream: Stream, _ c: KinesisContext) -> KinesisAPI.Consumer {
        KinesisAPI.Consumer(consumerName: name, consumerARN: arn(of: stream.key), consumerStatus: reportedStatus(now: c.now, timing: c.timing),
                            consumerCreationTimestamp: Timestamp(millis: createdMillis))
    }
}
