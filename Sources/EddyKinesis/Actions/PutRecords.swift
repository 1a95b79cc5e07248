import EddyStorage
import EddyWire

/// PutRecords: up to 500 records and 5 MiB in one call, each routed to its shard; every shard's
/// share is written with one append, and results come back in request order.
enum PutRecords: KinesisAction {
    static let maxRequestBytes = 5 << 20

    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let stream = try c.usableStream(try c.streamKey())
        let items = c.input["Records"]?.array ?? []
        var entries: [RecordRouting.Entry] = []
        entries.reserveCapacity(items.count)
        var total = 0
        for (i, item) in items.enumerated() {
            let entry = try RecordRouting.entry(item.object ?? JSONObject(), path: "records.\(i + 1).member.", stream: stream)
            total += entry.data.count + entry.partitionKey.utf8.count
            entries.append(entry)
        }
        if total > maxRequestBytes {
            throw .invalidArgument("Records size exceeds 5 MB limit")
        }
        // Group by shard, keeping request order within each shard.
        var groups: [Int: [Int]] = [:]
        for (i, entry) in entries.enumerated() {
            guard let position = RecordRouting.shardPosition(for: entry.hashKey, in: stream) else {
                throw .internalFailure("No open shard owns hash key \(entry.hashKey).")
            }
            groups[position, default: []].append(i)
        }
        var results = [(shard: String, sequence: SequenceNumber)?](repeating: nil, count: entries.count)
        var failures = [String?](repeating: nil, count: entries.count)
        for (position, indices) in groups {
            let shard = stream.shards[position]
            do {
                let appended = try shard.log.append(indices.map { LogRecord(partitionKey: entries[$0].partitionKey, data: entries[$0].data) }, now: c.now)
                for (n, i) in indices.enumerated() {
                    let seq = stream.sequenceNumber(shard: shard.index, counter: appended.first + UInt64(n), arrival: appended.arrival)
                    results[i] = (shard.id, seq)
                }
            } catch {
                for i in indices { failures[i] = "Internal service failure." }
            }
        }
        let failed = failures.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        return json { w in
            w.member("FailedRecordCount", failed)
            w.key("Records"); w.beginArray()
            for i in entries.indices {
                w.beginObject()
                if let r = results[i] {
                    w.key("SequenceNumber"); w.stringOfSafeASCII { r.sequence.write(into: &$0) }
                    w.member("ShardId", r.shard)
                } else {
                    w.member("ErrorCode", "InternalFailure")
                    w.member("ErrorMessage", failures[i] ?? "Internal service failure.")
                }
                w.endObject()
            }
            w.endArray()
            if stream.encryptionType != "NONE" { w.member("EncryptionType", stream.encryptionType) }
        }
    }
}
