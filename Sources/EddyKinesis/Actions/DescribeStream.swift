import EddyWire

/// DescribeStream: the stream with a page of its shards (Limit, ExclusiveStartShardId).
extension KinesisAPI.DescribeStream: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let s = try c.existingStream(try c.streamKey(name: input.streamName, arn: input.streamARN))
        var shards = s.shards
        if let start = input.exclusiveStartShardId {
            let after = ShardId.parse(start) ?? -1
            shards = shards.filter { $0.index > after }
        }
        let page = shards.page(input.limit ?? 100)
        return Output(streamDescription: KinesisAPI.StreamDescription(
            streamName: s.name, streamARN: s.arn, streamStatus: s.status(now: c.now, timing: c.timing), streamModeDetails: s.modeDetails,
            shards: page.map(s.described), hasMoreShards: shards.count > page.count, retentionPeriodHours: s.retentionHours,
            streamCreationTimestamp: s.creationTimestamp, enhancedMonitoring: s.enhancedMonitoring, encryptionType: s.encryptionType,
            keyId: s.keyId))
    }
}
