import EddyWire

/// DescribeLimits: the account's shard limit and use in the region.
extension KinesisAPI.DescribeLimits: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let streams = c.store.streams(account: c.request.accountId, region: c.request.region, now: c.now)
            .filter { $0.storedStatus != .DELETING }
        return Output(shardLimit: c.store.configuration.shardLimit, openShardCount: streams.reduce(0) { $0 + $1.openShards.count },
                      onDemandStreamCount: streams.filter { $0.mode == .ON_DEMAND }.count,
                      onDemandStreamCountLimit: c.store.configuration.onDemandStreamLimit)
    }
}
