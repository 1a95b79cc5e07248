import EddyWire

/// PutRecord and PutRecords: what the model cannot check about a record before it is routed.
enum RecordEntries {
    /// The record to append. The stream's own size limit (UpdateMaxRecordSize) is answered as
    /// the model's 1 MiB limit would be; `listIndex` places a PutRecords entry in the message.
    static func entry(partitionKey: String, data: [UInt8], explicitHashKey: String?, listIndex: Int?,
                      stream: Stream) throws(KinesisError) -> StreamStore.AppendEntry {
        let limit = stream.maxRecordSizeKiB * 1024
        if data.count > limit {
            let path = listIndex.map { "records.\($0 + 1).member.data" } ?? "data"
            throw .wire(ValidationMessage.error([ValidationMessage.lengthAtMost(limit, value: ValidationMessage.blob(length: data.count),
                                                                                at: path)]))
        }
        let hashKey: UInt128
        if let explicitHashKey {
            guard let h = HashKey.parse(explicitHashKey) else {
                throw .invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was \(explicitHashKey)")
            }
            hashKey = h
        } else {
            hashKey = HashKey.of(partitionKey: partitionKey)
        }
        return StreamStore.AppendEntry(partitionKey: partitionKey, data: data, hashKey: hashKey)
    }
}
