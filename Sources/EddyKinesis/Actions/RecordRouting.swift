import EddyWire

/// Shared by PutRecord and PutRecords: decoding a record entry and finding its shard.
enum RecordRouting {
    struct Entry {
        var partitionKey: String
        var data: [UInt8]
        var hashKey: UInt128
    }

    /// Decodes an entry already checked against the model (so Data is valid base64).
    /// `listIndex` is the entry's place in PutRecords' list (nil for PutRecord), for error paths.
    static func entry(_ object: JSONObject, listIndex: Int?, stream: Stream) throws(KinesisError) -> Entry {
        let partitionKey = object["PartitionKey"]?.string ?? ""
        let data = (try? Base64.decode(object["Data"]?.string ?? "")) ?? []
        let limit = stream.maxRecordSizeKiB * 1024
        if data.count > limit {
            throw .validation("1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=\(data.count) cap=\(data.count)]' at '\(listIndex.map { "records.\($0 + 1).member." } ?? "")data' failed to satisfy constraint: Member must have length less than or equal to \(limit)")
        }
        let hashKey: UInt128
        if let explicit = object["ExplicitHashKey"]?.string {
            guard let h = HashKey.parse(explicit) else {
                throw .invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was \(explicit)")
            }
            hashKey = h
        } else {
            hashKey = HashKey.of(partitionKey: partitionKey)
        }
        return Entry(partitionKey: partitionKey, data: data, hashKey: hashKey)
    }

    /// Position in `stream.shards` of the open shard owning `hashKey`.
    static func shardPosition(for hashKey: UInt128, in stream: Stream) -> Int? {
        stream.shards.firstIndex { $0.isOpen && $0.hashRange.contains(hashKey) }
    }
}
