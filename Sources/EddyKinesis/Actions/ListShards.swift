import EddyWire

/// ListShards: shards in index order, paged by MaxResults with NextToken or
/// ExclusiveStartShardId, narrowed by ShardFilter as AWS defines its types.
extension KinesisAPI.ListShards: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key: StreamKey
        var after: Int?
        if let token = input.nextToken {
            if input.streamName != nil || input.streamARN != nil {
                throw .invalidArgument("NextToken and StreamName cannot be provided together.")
            }
            if input.exclusiveStartShardId != nil {
                throw .invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.")
            }
            guard let (position, issued) = PageToken.decode(token, kind: "shards"),
                  let decoded = PageToken.parseStreamPosition(position) else {
                throw .invalidArgument("Invalid ShardId in NextToken: \(token)")
            }
            if issued < c.now - PageToken.lifetimeMillis {
                throw .expiredNextToken("The timestamp in the provided NextToken has expired.")
            }
            key = decoded.key
            after = Int(clamping: decoded.after)
        } else {
            key = try c.streamKey(name: input.streamName, arn: input.streamARN)
            if let start = input.exclusiveStartShardId { after = ShardId.parse(start) ?? -1 }
        }
        let s = try c.existingStream(key)
        let status = s.status(now: c.now, timing: c.timing)
        if status == .CREATING || status == .DELETING { throw .notActive(key.name, key.account, status) }
        if let created = input.streamCreationTimestamp, created.wholeSeconds != s.createdMillis / 1000 {
            throw .streamNotFound(key.name, key.account)
        }
        var shards = s.shards
        if let filter = input.shardFilter { shards = try apply(filter, to: shards, stream: s, now: c.now) }
        if let after { shards = shards.filter { $0.index > after } }
        let page = shards.page(input.maxResults ?? 1000)
        return Output(shards: page.map(s.described),
                      nextToken: shards.count > page.count ? page.last.map {
                          PageToken.encode(PageToken.streamPosition(key, after: Int64($0.index)), kind: "shards", now: c.now)
                      } : nil)
    }

    static func apply(_ filter: KinesisAPI.ShardFilter, to shards: [Shard], stream: Stream, now: Int64) throws(KinesisError) -> [Shard] {
        let horizon = now - Int64(stream.retentionHours) * 3_600_000
        func openAt(_ t: Int64) -> [Shard] {
            // Shards of the first generation count as open from the stream's creation.
            let t = max(t, stream.createdMillis)
            return shards.filter { $0.createdMillis <= t && ($0.closedMillis.map { $0 > t } ?? true) }
        }
        func openFrom(_ t: Int64) -> [Shard] { shards.filter { $0.closedMillis.map { $0 > t } ?? true } }
        switch filter.type {
        case .AFTER_SHARD_ID:
            guard let id = filter.shardId else {
                throw .invalidArgument("ShardId must be provided when ShardFilter Type is AFTER_SHARD_ID.")
            }
            let after = ShardId.parse(id) ?? -1
            return shards.filter { $0.index > after }
        case .AT_TRIM_HORIZON: return openAt(horizon)
        case .FROM_TRIM_HORIZON: return openFrom(horizon)
        case .AT_LATEST: return shards.filter(\.isOpen)
        case .AT_TIMESTAMP, .FROM_TIMESTAMP:
            guard let timestamp = filter.timestamp?.millis else {
                throw .invalidArgument("Timestamp must be provided when ShardFilter Type is \(filter.type.rawValue).")
            }
            return filter.type == .AT_TIMESTAMP ? openAt(max(timestamp, horizon)) : openFrom(max(timestamp, horizon))
        }
    }
}
