import EddyWire

/// UpdateShardCount (UNIFORM_SCALING): every open shard closes and the target number of shards
/// takes over the hash key space in even ranges; each new shard's parents are the old shards
/// its range starts and ends in. AWS's limits: at most double, at least half, of the open count.
extension KinesisAPI.UpdateShardCount: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        let target = input.targetShardCount
        let before = try c.existingStream(key)
        let current = before.openShards.count
        if target > current * 2 {
            throw .limitExceeded("UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: \(current) Target shard count: \(target)")
        }
        if target * 2 < current {
            throw .limitExceeded("UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: \(current) Target shard count: \(target)")
        }
        if before.mode == .ON_DEMAND {
            throw .invalidArgument("UpdateShardCount is not supported for streams in ON_DEMAND mode.")
        }
        let parents = before.openShards.sorted { $0.hashRange.lowerBound < $1.hashRange.lowerBound }
        if target != current {
            try c.store.reshard(key, now: c.now, parents: parents.map(\.index),
                                lineage: { range in
                                    let owners = parents.filter { $0.hashRange.overlaps(range) }.map(\.index)
                                    return (owners.first, owners.count > 1 ? owners[1] : nil)
                                }) { (_: Stream) throws(KinesisError) -> [ClosedRange<UInt128>] in
                HashKey.evenRanges(count: target)
            }
        }
        return Output(streamName: key.name, currentShardCount: current, targetShardCount: target, streamARN: before.arn)
    }
}
