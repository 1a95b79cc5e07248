import EddyWire

/// ListShards: shards in index order, paged by MaxResults with NextToken or
/// ExclusiveStartShardId, narrowed by ShardFilter as AWS defines its types.
enum ListShards: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key: StreamKey
        var after: Int?
        if let token = c.string("NextToken") {
            if c.string("StreamName") != nil || c.string("StreamARN") != nil {
                throw .invalidArgument("NextToken and StreamName cannot be provided together.")
            }
            if c.string("ExclusiveStartShardId") != nil {
                throw .invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.")
            }
            guard let (position, issued) = PageToken.decodeWithTime(token, kind: "shards"),
                  let decoded = decodePosition(position) else {
                throw .invalidArgument("Invalid ShardId in NextToken: \(token)")
            }
            if c.now - issued > PageToken.lifetimeMillis {
                throw .expiredNextToken("The timestamp in the provided NextToken has expired.")
            }
            key = decoded.key
            after = decoded.after
        } else {
            key = try c.streamKey()
            if let start = c.string("ExclusiveStartShardId") { after = ShardId.parse(start) ?? -1 }
        }
        let s = try c.existingStream(key)
        let status = s.status(now: c.now, timing: c.timing)
        if status == .CREATING || status == .DELETING { throw .notActive(key.name, key.account, status) }
        if let created = c.input["StreamCreationTimestamp"]?.double, Int64(created) != s.createdMillis / 1000 {
            throw .streamNotFound(key.name, key.account)
        }
        var shards = s.shards
        if let filter = c.input["ShardFilter"]?.object {
            shards = try apply(filter, to: shards, stream: s, now: c.now)
        }
        if let after { shards = shards.filter { $0.index > after } }
        let limit = c.int("MaxResults") ?? 1000
        let page = shards.prefix(limit)
        return json { w in
            w.key("Shards"); w.beginArray()
            for shard in page { w.shard(shard, of: s) }
            w.endArray()
            if shards.count > page.count, let last = page.last {
                w.member("NextToken", PageToken.encode(encodePosition(key, after: last.index), kind: "shards", now: c.now))
            }
        }
    }

    static func apply(_ filter: JSONObject, to shards: [Shard], stream: Stream, now: Int64) throws(KinesisError) -> [Shard] {
        let type = filter["Type"]?.string ?? ""
        let horizon = now - Int64(stream.retentionHours) * 3_600_000
        let timestamp = filter["Timestamp"]?.double.map { Int64($0 * 1000) }
        func openAt(_ t: Int64) -> [Shard] {
            // Shards of the first generation count as open from the stream's creation.
            let t = max(t, stream.createdMillis)
            return shards.filter { $0.createdMillis <= t && ($0.closedMillis.map { $0 > t } ?? true) }
        }
        func openFrom(_ t: Int64) -> [Shard] { shards.filter { $0.closedMillis.map { $0 > t } ?? true } }
        switch type {
        case "AFTER_SHARD_ID":
            guard let id = filter["ShardId"]?.string else {
                throw .invalidArgument("ShardId must be provided when ShardFilter Type is AFTER_SHARD_ID.")
            }
            let after = ShardId.parse(id) ?? -1
            return shards.filter { $0.index > after }
        case "AT_TRIM_HORIZON": return openAt(horizon)
        case "FROM_TRIM_HORIZON": return openFrom(horizon)
        case "AT_LATEST": return shards.filter(\.isOpen)
        case "AT_TIMESTAMP", "FROM_TIMESTAMP":
            guard let timestamp else {
                throw .invalidArgument("Timestamp must be provided when ShardFilter Type is \(type).")
            }
            return type == "AT_TIMESTAMP" ? openAt(max(timestamp, horizon)) : openFrom(max(timestamp, horizon))
        default:
            return shards
        }
    }

    static func encodePosition(_ key: StreamKey, after: Int) -> String {
        "\(key.account)|\(key.region)|\(after)|\(key.name)"
    }

    static func decodePosition(_ text: String) -> (key: StreamKey, after: Int)? {
        let p = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard p.count == 4, let after = Int(p[2]) else { return nil }
        return (StreamKey(account: String(p[0]), region: String(p[1]), name: String(p[3])), after)
    }
}
