/// DescribeStreamSummary: the stream without its shard list.
enum DescribeStreamSummary: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let s = try c.existingStream(try c.streamKey())
        return json { w in
            w.key("StreamDescriptionSummary"); w.beginObject()
            w.member("StreamName", s.name)
            w.member("StreamARN", s.arn)
            w.member("StreamStatus", s.status(now: c.now, timing: c.timing).rawValue)
            w.streamModeDetails(s.mode)
            w.member("RetentionPeriodHours", s.retentionHours)
            w.key("StreamCreationTimestamp"); w.timestamp(millis: s.createdMillis)
            w.enhancedMonitoring(s.shardLevelMetrics)
            w.member("EncryptionType", s.encryptionType)
            w.member("KeyId", s.keyId)
            w.member("OpenShardCount", s.openShards.count)
            w.member("ConsumerCount", 0)
            w.member("MaxRecordSizeInKiB", s.maxRecordSizeKiB)
            w.endObject()
        }
    }
}
