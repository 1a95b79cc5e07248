import EddyWire

/// MergeShards: two adjacent open shards close and one child covers both ranges.
extension KinesisAPI.MergeShards: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        guard let a = ShardId.parse(input.shardToMerge) else { throw Reshard.notFound(input.shardToMerge, key) }
        guard let b = ShardId.parse(input.adjacentShardToMerge) else { throw Reshard.notFound(input.adjacentShardToMerge, key) }
        try c.store.reshard(key, now: c.now, parents: [a, b]) { (s: Stream) throws(KinesisError) -> [ClosedRange<UInt128>] in
            guard let x = s.shards.first(where: { $0.index == a }) else { throw Reshard.notFound(ShardId.format(a), key) }
            guard let y = s.shards.first(where: { $0.index == b }) else { throw Reshard.notFound(ShardId.format(b), key) }
            try Reshard.requireOpen(x, key)
            try Reshard.requireOpen(y, key)
            let (low, high) = x.hashRange.lowerBound < y.hashRange.lowerBound ? (x, y) : (y, x)
            guard low.hashRange.upperBound < UInt128.max, low.hashRange.upperBound + 1 == high.hashRange.lowerBound else {
                throw .invalidArgument("Shards \(x.id) and \(y.id) in stream \(key.name) under account \(key.account) are not an adjacent pair of shards eligible for merging")
            }
            return [low.hashRange.lowerBound...high.hashRange.upperBound]
        }
        return Output()
    }
}
