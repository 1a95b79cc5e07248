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
            let entry = try RecordRouting.entry(item.object ?? JSONObject(), listIndex: i, stream: stream)
            total += entry.data.count + entry.partitionKey.utf8.count
            entries.append(entry)
        }
        if total > maxRequestBytes {
            throw .invalidArgument("Records size exceeds 5 MB limit")
        }
        var results = [(shard: String, sequence: SequenceNumber)?](repeating: nil, count: entries.count)
        var failures = [String?](repeating: nil, count: entries.count)
        var pending = Array(entries.indices)
        var throttled = [String?](repeating: nil, count: entries.count)
        var current = stream
        // A reshard can close a shard between routing and appending: route those records again.
        for attempt in 0..<3 where !pending.isEmpty {
            if attempt > 0 { current = try c.usableStream(current.key) }
            var groups: [Int: [Int]] = [:]
            for i in pending {
                guard let position = RecordRouting.shardPosition(for: entries[i].hashKey, in: current) else {
                    throw .internalFailure("No open shard owns hash key \(entries[i].hashKey).")
                }
                let shard = current.shards[position]
                if attempt == 0, let limiter = c.store.limiter,
                   !limiter.admitWrite("\(current.id)/\(shard.index)", bytes: entries[i].data.count + entries[i].partitionKey.utf8.count, now: c.now) {
                    throttled[i] = shard.id
                    continue
                }
                groups[position, default: []].append(i)
            }
            pending = []
            for (position, indices) in groups.sorted(by: { $0.key < $1.key }) {
                let shard = current.shards[position]
                do {
                    let appended = try shard.log.append(indices.map { LogRecord(partitionKey: entries[$0].partitionKey, data: entries[$0].data) }, now: c.now)
                    for (n, i) in indices.enumerated() {
                        results[i] = (shard.id, current.sequenceNumber(shard: shard.index, counter: appended.first + UInt64(n), arrival: appended.arrival))
                    }
                } catch is ShardLog.SealedError {
                    pending += indices
                } catch {
                    for i in indices { failures[i] = "Internal service failure." }
                }
            }
        }
        for i in pending { failures[i] = "Internal service failure." }
        let failed = entries.indices.reduce(0) { $0 + (failures[$1] != nil || throttled[$1] != nil ? 1 : 0) }
        let throttledCount = throttled.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        let stored = entries.indices.filter { results[$0] != nil }
        let bytes = Double(stored.reduce(0) { $0 + entries[$1].data.count + entries[$1].partitionKey.utf8.count })
        c.emit(stream.key, "IncomingRecords", Double(stored.count))
        c.emit(stream.key, "IncomingBytes", bytes, unit: "Bytes")
        c.emit(stream.key, "PutRecords.Bytes", bytes, unit: "Bytes")
        c.emit(stream.key, "PutRecords.Records", Double(stored.count))
        c.emit(stream.key, "PutRecords.TotalRecords", Double(entries.count))
        c.emit(stream.key, "PutRecords.SuccessfulRecords", Double(stored.count))
        c.emit(stream.key, "PutRecords.FailedRecords", Double(failed - throttledCount))
        c.emit(stream.key, "PutRecords.ThrottledRecords", Double(throttledCount))
        c.emit(stream.key, "PutRecords.Success", 1)
        c.emitLatency(stream.key, "PutRecords")
        if throttledCount > 0 { c.emit(stream.key, "WriteProvisionedThroughputExceeded", Double(throttledCount)) }
        return json { w in
            w.member("FailedRecordCount", failed)
            w.key("Records"); w.beginArray()
            for i in entries.indices {
                w.beginObject()
                if let r = results[i] {
                    w.key("SequenceNumber"); w.stringOfSafeASCII { r.sequence.write(into: &$0) }
                    w.member("ShardId", r.shard)
                } else if let shard = throttled[i] {
                    w.member("ErrorCode", "ProvisionedThroughputExceededException")
                    w.member("ErrorMessage", "Rate exceeded for shard \(shard) in stream \(stream.name) under account \(stream.key.account).")
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
