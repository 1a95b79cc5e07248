import EddyWire

/// SplitShard: the parent closes (a real EndingSequenceNumber) and two children split its
/// hash key range at NewStartingHashKey.
extension KinesisAPI.SplitShard: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        guard let index = ShardId.parse(input.shardToSplit) else { throw Reshard.notFound(input.shardToSplit, key) }
        let newStart = input.newStartingHashKey
        try c.store.reshard(key, now: c.now, parents: [index]) { (s: Stream) throws(KinesisError) -> [ClosedRange<UInt128>] in
            guard let shard = s.shards.first(where: { $0.index == index }) else { throw Reshard.notFound(ShardId.format(index), key) }
            try Reshard.requireOpen(shard, key)
            let range = shard.hashRange
            guard let split = HashKey.parse(newStart), range.lowerBound < UInt128.max,
                  split > range.lowerBound + 1, split < range.upperBound else {
                throw .invalidArgument("NewStartingHashKey \(newStart) used in SplitShard() on shard \(shard.id) in stream \(key.name) under account \(key.account) is not both greater than one plus the shard's StartingHashKey \(range.lowerBound) and less than the shard's EndingHashKey \(range.upperBound).")
            }
            return [range.lowerBound...(split - 1), split...range.upperBound]
        }
        return Output()
    }
}
