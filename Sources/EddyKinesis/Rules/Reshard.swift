/// What SplitShard, MergeShards and UpdateShardCount check about the shards they close.
enum Reshard {
    static func requireOpen(_ shard: Shard, _ key: StreamKey) throws(KinesisError) {
        if !shard.isOpen {
            throw .resourceInUse("Shard \(shard.id) in stream \(key.name) under account \(key.account) has already been merged or split, and thus is not eligible for merging or splitting.")
        }
    }

    static func notFound(_ shard: String, _ key: StreamKey) -> KinesisError {
        .resourceNotFound("Could not find shard \(shard) in stream \(key.name) under account \(key.account).")
    }
}
