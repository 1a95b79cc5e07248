import EddyWire
/// CreateStream: PROVISIONED with ShardCount, or ON_DEMAND (4 shards, as AWS starts one).
enum CreateStream: KinesisAction {
    static let onDemandShardCount = 4

    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = StreamKey(account: c.request.accountId, region: c.request.region, name: c.string("StreamName")!)
        let modeName = c.input["StreamModeDetails"]?.object?["StreamMode"]?.string ?? "PROVISIONED"
        let mode = StreamMode(rawValue: modeName) ?? .PROVISIONED
        let shardCount: Int
        switch mode {
        case .PROVISIONED:
            guard let n = c.int("ShardCount") else {
                throw .validation("1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null")
            }
            shardCount = n
        case .ON_DEMAND:
            if c.input["ShardCount"] != nil, !(c.input["ShardCount"]!.isNull) {
                throw .validation("ShardCount must not be specified for streams in ON_DEMAND mode.")
            }
            shardCount = onDemandShardCount
        }
        let tags = try TagRules.parse(c.input["Tags"]?.object, stream: key.name)
        _ = try c.store.create(key: key, shardCount: shardCount, mode: mode, tags: tags, now: c.now)
        return json { _ in }
    }
}
