import EddyWire
import Synchronization

/// Who reads a stream and how far behind they are, as seen from their calls: AWS keeps no such
/// list (only the iterator-age and MillisBehindLatest metrics), but someone watching a pipeline
/// wants to know which client reads which shard. A polling reader is told apart by its shard
/// and User-Agent, an enhanced fan-out reader by its consumer and shard. What has not read for
/// ten minutes is forgotten, and the table has a bound.
final class StreamReaders: Sendable {
    enum Kind: String, Sendable {
        case polling = "GetRecords"
        case subscription = "SubscribeToShard"
    }

    struct Reader: Sendable {
        var stream: StreamKey
        var shardIndex: Int
        var kind: Kind
        /// The User-Agent of a polling reader, the consumer's name for a subscription.
        var client: String
        var firstMillis: Int64
        var lastMillis: Int64
        var calls: Int
        var records: Int
        var millisBehindLatest: Int64
    }

    static let forgetMillis: Int64 = 600_000
    static let maximum = 1_024
    static let maximumClientBytes = 256

    private struct Key: Hashable {
        var stream: StreamKey
        var shardIndex: Int
        var kind: Kind
        var client: String
    }

    private let readers = Mutex<[Key: Reader]>([:])

    /// One GetRecords call or one SubscribeToShard event.
    func saw(_ kind: Kind, stream: StreamKey, shardIndex: Int, client: String?, records: Int, millisBehindLatest: Int64, now: Int64) {
        let name = Self.bounded(client ?? "")
        let key = Key(stream: stream, shardIndex: shardIndex, kind: kind, client: name)
        readers.withLock { table in
            if var r = table[key] {
                r.lastMillis = now
                r.calls += 1
                r.records += records
                r.millisBehindLatest = millisBehindLatest
                table[key] = r
                return
            }
            if table.count >= Self.maximum {
                table = table.filter { now - $0.value.lastMillis < Self.forgetMillis }
                if table.count >= Self.maximum, let oldest = table.min(by: { $0.value.lastMillis < $1.value.lastMillis })?.key {
                    table[oldest] = nil
                }
            }
            table[key] = Reader(stream: stream, shardIndex: shardIndex, kind: kind, client: name, firstMillis: now, lastMillis: now,
                                calls: 1, records: records, millisBehindLatest: millisBehindLatest)
        }
    }

    /// At most `maximumClientBytes` of a client's name, cut between characters so none is split.
    static func bounded(_ client: String) -> String {
        guard client.utf8.count > maximumClientBytes else { return client }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in client.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > maximumClientBytes { break }
            kept.append(scalar)
        }
        return String(kept)
    }

    /// The readers of one stream that read in the last ten minutes, by shard, kind and client.
    func of(_ stream: StreamKey, now: Int64) -> [Reader] {
        readers.withLock { table in
            table.values.filter { $0.stream == stream && now - $0.lastMillis < Self.forgetMillis }
        }.sorted { ($0.shardIndex, $0.kind.rawValue, $0.client) < ($1.shardIndex, $1.kind.rawValue, $1.client) }
    }
}

extension KinesisService: ServiceInsight {
    /// `readers` of a stream: `{"Readers": [{"ShardId", "Kind" (GetRecords or SubscribeToShard),
    /// "UserAgent" or "ConsumerName", "MillisBehindLatest", "FirstReadMillis", "LastReadMillis",
    /// "Calls" (calls or events), "Records"}]}`.
    public func insight(_ topic: String, subject: String, region: String, accountId: String) -> [UInt8]? {
        guard topic == "readers" else { return nil }
        let key = StreamKey(account: accountId, region: region, name: subject)
        let now = clock()
        guard store.stream(key, now: now) != nil else { return nil }
        var w = JSONWriter()
        w.beginObject()
        w.key("Readers"); w.beginArray()
        for r in readers.of(key, now: now) {
            w.beginObject()
            w.member("ShardId", ShardId.format(r.shardIndex))
            w.member("Kind", r.kind.rawValue)
            w.member(r.kind == .polling ? "UserAgent" : "ConsumerName", r.client)
            w.key("MillisBehindLatest"); w.int64(r.millisBehindLatest)
            w.key("FirstReadMillis"); w.int64(r.firstMillis)
            w.key("LastReadMillis"); w.int64(r.lastMillis)
            w.key("Calls"); w.int(r.calls)
            w.key("Records"); w.int(r.records)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
