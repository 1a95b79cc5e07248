import EddyWire
/// DescribeLimits: the account's shard limit and use in the region.
enum DescribeLimits: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let streams = c.store.streams(account: c.request.accountId, region: c.request.region, now: c.now)
            .filter { $0.storedStatus != .DELETING }
        return json { w in
            w.member("ShardLimit", c.store.configuration.shardLimit)
            w.member("OpenShardCount", streams.reduce(0) { $0 + $1.openShards.count })
            w.member("OnDemandStreamCount", streams.filter { $0.mode == .ON_DEMAND }.count)
            w.member("OnDemandStreamCountLimit", c.store.configuration.onDemandStreamLimit)
        }
    }
}
