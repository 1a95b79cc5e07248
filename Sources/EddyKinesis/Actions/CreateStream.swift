import EddyWire

/// CreateStream: PROVISIONED with ShardCount, or ON_DEMAND (4 shards, as AWS starts one). With
/// neither a count nor a mode AWS creates an on-demand stream (what Terraform and the CDK rely on
/// when they leave the count out).
extension KinesisAPI.CreateStream: KinesisAction {
    static let onDemandShardCount = 4

    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = StreamKey(account: c.request.accountId, region: c.request.region, name: input.streamName)
        let mode = input.streamModeDetails?.streamMode ?? (input.shardCount == nil ? .ON_DEMAND : .PROVISIONED)
        let shardCount: Int
        switch mode {
        case .PROVISIONED:
            // A provisioned stream needs its shard count, which the model leaves optional.
            guard let count = input.shardCount else { throw .wire(ValidationMessage.error([ValidationMessage.notNull(at: "shardCount")])) }
            shardCount = count
        case .ON_DEMAND:
            if input.shardCount != nil { throw .validation("ShardCount must not be specified for streams in ON_DEMAND mode.") }
            shardCount = onDemandShardCount
        }
        let tags = try TagRules.tags(input.tags)
        _ = try c.store.create(key: key, shardCount: shardCount, mode: mode, tags: tags, now: c.now)
        return Output()
    }
}
