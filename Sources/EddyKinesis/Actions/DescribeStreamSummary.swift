import EddyWire

/// DescribeStreamSummary: the stream without its shard list.
extension KinesisAPI.DescribeStreamSummary: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let s = try c.existingStream(try c.streamKey(name: input.streamName, arn: input.streamARN))
        return Output(streamDescriptionSummary: KinesisAPI.StreamDescriptionSummary(
            streamName: s.name, streamARN: s.arn, streamStatus: s.status(now: c.now, timing: c.timing), streamModeDetails: s.modeDetails,
            retentionPeriodHours: s.retentionHours, streamCreationTimestamp: s.creationTimestamp, enhancedMonitoring: s.enhancedMonitoring,
            encryptionType: s.encryptionType, keyId: s.keyId, openShardCount: s.openShards.count,
            consumerCount: s.consumers.filter { !$0.isGone(now: c.now, timing: c.timing) }.count,
            maxRecordSizeInKiB: s.maxRecordSizeKiB))
    }
}
