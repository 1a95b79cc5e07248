import EddyWire
/// SplitShard: the parent closes (a real EndingSequenceNumber) and two children split its
/// hash key range at NewStartingHashKey.
enum SplitShard: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let shardText = c.string("ShardToSplit")!
        let newStart = c.string("NewStartingHashKey")!
        guard let index = ShardId.parse(shardText) else {
            throw .resourceNotFound("Could not find shard \(shardText) in stream \(key.name) under account \(key.account).")
        }
        try c.store.reshard(key, now: c.now, parents: [index]) { (s: Stream) throws(KinesisError) -> [ClosedRange<UInt128>] in
            guard let shard = s.shards.first(where: { $0.index == index }) else {
                throw .resourceNotFound("Could not find shard \(ShardId.format(index)) in stream \(key.name) under account \(key.account).")
            }
            try Reshard.requireOpen(shard, key)
            let range = shard.hashRange
            guard let split = HashKey.parse(newStart), range.lowerBound < UInt128.max,
                  split > range.lowerBound + 1, split < range.upperBound else {
                throw .invalidArgument("NewStartingHashKey \(newStart) used in SplitShard() on shard \(shard.id) in stream \(key.name) under account \(key.account) is not both greater than one plus the shard's StartingHashKey \(range.lowerBound) and less than the shard's EndingHashKey \(range.upperBound).")
            }
            return [range.lowerBound...(split - 1), split...range.upperBound]
        }
        return json { _ in }
    }
}

/// MergeShards: two adjacent open shards close and one child covers both ranges.
enum MergeShards: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let first = c.string("ShardToMerge")!, second = c.string("AdjacentShardToMerge")!
        guard let a = ShardId.parse(first), let b = ShardId.parse(second) else {
            throw .resourceNotFound("Could not find shard \(ShardId.parse(first) == nil ? first : second) in stream \(key.name) under account \(key.account).")
        }
        try c.store.reshard(key, now: c.now, parents: [a, b]) { (s: Stream) throws(KinesisError) -> [ClosedRange<UInt128>] in
            guard let x = s.shards.first(where: { $0.index == a }), let y = s.shards.first(where: { $0.index == b }) else {
                let missing = s.shards.contains { $0.index == a } ? b : a
                throw .resourceNotFound("Could not find shard \(ShardId.format(missing)) in stream \(key.name) under account \(key.account).")
            }
            try Reshard.requireOpen(x, key)
            try Reshard.requireOpen(y, key)
            let (low, high) = x.hashRange.lowerBound < y.hashRange.lowerBound ? (x, y) : (y, x)
            guard low.hashRange.upperBound < UInt128.max, low.hashRange.upperBound + 1 == high.hashRange.lowerBound else {
                throw .invalidArgument("Shards \(x.id) and \(y.id) in stream \(key.name) under account \(key.account) are not an adjacent pair of shards eligible for merging")
            }
            return [low.hashRange.lowerBound...high.hashRange.upperBound]
        }
        return json { _ in }
    }
}

enum Reshard {
    static func requireOpen(_ shard: Shard, _ key: StreamKey) throws(KinesisError) {
        if !shard.isOpen {
            throw .resourceInUse("Shard \(shard.id) in stream \(key.name) under account \(key.account) has already been merged or split, and thus is not eligible for merging or splitting.")
        }
    }
}
