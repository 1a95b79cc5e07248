import EddyWire
import Synchronization

/// How many live tails may be open at once; one more is refused until one closes.
final class TailLimit: Sendable {
    let maximum: Int
    let open = Atomic<Int>(0)

    init(maximum: Int) { self.maximum = maximum }

    func acquire() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        if now > maximum { open.subtract(1, ordering: .relaxed); return false }
        return true
    }

    func release() { open.subtract(1, ordering: .relaxed) }
}

/// A live tail of a stream (or one shard) as server-sent events: the shards read from LATEST
/// (or TRIM_HORIZON) through GetRecords four times a second, at most `readPerShard` records a
/// read and `maxPerTick` sent a tick (the others counted, so the page can say it samples); a
/// reader that falls more than two seconds behind jumps to the newest records rather than read
/// everything. Whatever the stream's rate, a tail costs a few small GetRecords calls a second.
struct KinesisTail: Sendable {
    let calls: ServiceCalls
    let query: QueryItems
    let limit: TailLimit

    static let tickMillis = 250
    static let maxPerTick = 50
    static let readPerShard = 100
    static let maxBehindMillis = 2000

    func response() async -> ServiceResponse {
        guard let stream = query["stream"], !stream.isEmpty else {
            return ConsoleAPI.error(400, "MissingParameter", "stream is required")
        }
        let check = await calls.kinesis("DescribeStreamSummary") { w in w.member("StreamName", stream) }
        guard check.ok else { return ConsoleAPI.passthrough(check) }
        guard limit.acquire() else {
            return ConsoleAPI.error(429, "TooManyTails", "At most \(limit.maximum) live tails may be open at once.")
        }
        let this = self
        return ConsoleAPI.eventStream(releasing: limit) { writer in await this.run(stream: stream, writer: writer) }
    }

    struct Reader {
        var shard: String
        var iterator: String?
        var lastSequence: String?
    }

    func run(stream: String, writer: ResponseStreamWriter) async {
        let start = query["from"] == "TRIM_HORIZON" ? "TRIM_HORIZON" : "LATEST"
        let filter = query["filter"].flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        var readers: [String: Reader] = [:]
        var ticks = 0
        do {
            try await writer.write(Array(": eddy live tail of \(stream)\nretry: 2000\n\n".utf8))
            while !Task.isCancelled {
                // New shards (after a reshard) are picked up every few seconds, from their start.
                if ticks % 20 == 0 {
                    for shard in await openShards(stream) where readers[shard] == nil {
                        let from = ticks == 0 ? start : "TRIM_HORIZON"
                        readers[shard] = Reader(shard: shard, iterator: await iterator(stream, shard, from, nil))
                    }
                }
                var sent: [[UInt8]] = []
                var seen = 0, behind = 0
                for shard in readers.keys.sorted() {
                    guard var r = readers[shard] else { continue }
                    guard let (records, next, millisBehind) = await read(&r) else {
                        // An expired iterator (a page left open a long time) starts again where it was.
                        r.iterator = await iterator(stream, shard, "LATEST", r.lastSequence)
                        readers[shard] = r
                        continue
                    }
                    r.iterator = next
                    if millisBehind > Self.maxBehindMillis {
                        r.iterator = await iterator(stream, shard, "LATEST", nil)
                    }
                    behind = max(behind, millisBehind)
                    for record in records {
                        guard Self.matches(record, filter) else { continue }
                        seen += 1
                        if sent.count < Self.maxPerTick { sent.append(Self.event(record, shard: shard)) }
                    }
                    readers[shard] = r.iterator == nil ? nil : r
                }
                if seen > 0 {
                    var w = JSONWriter()
                    w.beginObject()
                    w.key("seen"); w.int(seen)
                    w.key("sent"); w.int(sent.count)
                    w.key("millisBehind"); w.int(behind)
                    w.key("records"); w.beginArray()
                    for e in sent { w.raw(e) }
                    w.endArray()
                    w.endObject()
                    try await writer.write(Array("event: records\ndata: ".utf8) + w.bytes + Array("\n\n".utf8))
                } else if ticks % 40 == 0 {
                    // A comment now and then finds a page that has gone.
                    try await writer.write(Array(": idle\n\n".utf8))
                }
                ticks += 1
                try await Task.sleep(for: .milliseconds(Self.tickMillis))
            }
        } catch {
            return
        }
    }

    func openShards(_ stream: String) async -> [String] {
        if let shard = query["shard"], !shard.isEmpty { return [shard] }
        let page = await calls.kinesis("ListShards") { w in
            w.member("StreamName", stream)
            w.key("ShardFilter"); w.beginObject(); w.member("Type", "AT_LATEST"); w.endObject()
        }
        return page.json?.object?["Shards"]?.array?.compactMap { $0.object?["ShardId"]?.string } ?? []
    }

    func iterator(_ stream: String, _ shard: String, _ type: String, _ after: String?) async -> String? {
        let answer = await calls.kinesis("GetShardIterator") { w in
            w.member("StreamName", stream)
            w.member("ShardId", shard)
            w.member("ShardIteratorType", after == nil ? type : "AFTER_SEQUENCE_NUMBER")
            if let after { w.member("StartingSequenceNumber", after) }
        }
        return answer.json?.object?["ShardIterator"]?.string
    }

    /// Nil when GetRecords refused the iterator.
    func read(_ r: inout Reader) async -> ([JSONObject], String?, Int)? {
        guard let iterator = r.iterator else { return ([], nil, 0) }
        let answer = await calls.kinesis("GetRecords") { w in
            w.member("ShardIterator", iterator)
            w.key("Limit"); w.int(Self.readPerShard)
        }
        guard answer.ok, let o = answer.json?.object else { return nil }
        let records = o["Records"]?.array?.compactMap(\.object) ?? []
        if let last = records.last?["SequenceNumber"]?.string { r.lastSequence = last }
        return (records, o["NextShardIterator"]?.string, o["MillisBehindLatest"]?.int ?? 0)
    }

    /// A filter finds its text in the partition key or the record's bytes.
    static func matches(_ record: JSONObject, _ filter: [UInt8]?) -> Bool {
        guard let filter else { return true }
        if let key = record["PartitionKey"]?.string, contains(Array(key.utf8), filter) { return true }
        guard let data = record["Data"]?.string, let bytes = try? Base64.decode(data) else { return false }
        return contains(bytes, filter)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    static func event(_ record: JSONObject, shard: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.member("shard", shard)
        w.member("sequenceNumber", record["SequenceNumber"]?.string)
        w.member("partitionKey", record["PartitionKey"]?.string)
        w.key("arrival"); w.double(record["ApproximateArrivalTimestamp"]?.double ?? 0)
        w.member("data", record["Data"]?.string)
        w.endObject()
        return w.bytes
    }
}
