import EddyWire
/// DescribeStream: the stream with a page of its shards (Limit, ExclusiveStartShardId).
enum DescribeStream: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let s = try c.existingStream(key)
        let limit = c.int("Limit") ?? 100
        var shards = s.shards
        if let start = c.string("ExclusiveStartShardId") {
            let after = ShardId.parse(start) ?? -1
            shards = shards.filter { $0.index > after }
        }
        let page = shards.prefix(limit)
        return json { w in
            w.key("StreamDescription"); w.beginObject()
            w.streamHeader(s, status: s.status(now: c.now, timing: c.timing))
            w.key("Shards"); w.beginArray()
            for shard in page { w.shard(shard, of: s) }
            w.endArray()
            w.member("HasMoreShards", shards.count > page.count)
            w.streamFooter(s)
            w.endObject()
        }
    }
}
