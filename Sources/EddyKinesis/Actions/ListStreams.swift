import EddyWire

/// ListStreams: names and summaries in name order, paged by Limit with
/// ExclusiveStartStreamName or NextToken.
enum ListStreams: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let limit = c.int("Limit") ?? 100
        var after = c.string("ExclusiveStartStreamName")
        if let token = c.string("NextToken") {
            guard let name = PageToken.decodeWithTime(token, kind: "streams")?.position else {
                throw .invalidArgument("Invalid NextToken.")
            }
            after = name
        }
        var streams = c.store.streams(account: c.request.accountId, region: c.request.region, now: c.now)
        if let after { streams = streams.filter { $0.name > after } }
        let page = streams.prefix(limit)
        let hasMore = streams.count > page.count
        return json { w in
            w.key("StreamNames"); w.beginArray(); for s in page { w.string(s.name) }; w.endArray()
            w.member("HasMoreStreams", hasMore)
            if hasMore, let last = page.last { w.member("NextToken", PageToken.encode(last.name, kind: "streams", now: c.now)) }
            w.key("StreamSummaries"); w.beginArray()
            for s in page {
                w.beginObject()
                w.member("StreamName", s.name)
                w.member("StreamARN", s.arn)
                w.member("StreamStatus", s.status(now: c.now, timing: c.timing).rawValue)
                w.streamModeDetails(s.mode)
                w.key("StreamCreationTimestamp"); w.timestamp(millis: s.createdMillis)
                w.endObject()
            }
            w.endArray()
        }
    }
}

/// Opaque pagination tokens: a kind, a position and the time issued (AWS's expire after 300 s).
enum PageToken {
    static let lifetimeMillis: Int64 = 300_000

    static func encode(_ position: String, kind: String, now: Int64) -> String {
        Base64.encode(Array("\(kind)|\(now)|\(position)".utf8))
    }

    /// The position and when the token was issued, or nil for a token of another kind or a malformed one.
    static func decodeWithTime(_ token: String, kind: String) -> (position: String, issued: Int64)? {
        guard let bytes = try? Base64.decode(token), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == kind, let issued = Int64(parts[1]) else { return nil }
        return (String(parts[2]), issued)
    }
}
