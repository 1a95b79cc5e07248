import EddyWire
/// DescribeStreamSummary: the stream without its shard list.
enum DescribeStreamSummary: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let s = try c.existingStream(try c.streamKey())
        return json { w in
            w.key("StreamDescriptionSummary"); w.beginObject()
            w.streamHeader(s, status: s.status(now: c.now, timing: c.timing))
            w.streamFooter(s)
            w.member("OpenShardCount", s.openShards.count)
            w.member("ConsumerCount", 0)
            w.member("MaxRecordSizeInKiB", s.maxRecordSizeKiB)
            w.endObject()
        }
    }
}
