import EddyStorage
import EddyWire

/// PutRecord and PutRecordBatch: records are acknowledged once they are in the delivery
/// stream's durable buffer; a Kinesis-sourced stream refuses them, as AWS does. (The model
/// bounds a record to 1,000 KiB and a batch to 500 records.)
enum Ingest {
    static let maxBatchBytes = 4 << 20

    static func buffer(_ name: String, _ c: FirehoseContext) throws(FirehoseError) -> (DeliveryStream, ShardLog) {
        let s = try c.stream(name)
        guard s.type == .DirectPut, let buffer = s.buffer else {
            throw .invalidArgument("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
        }
        let status = c.status(s)
        guard status == .ACTIVE else {
            throw .resourceInUse("Firehose \(s.name) under account \(s.account) is not ACTIVE, instead in state \(status.rawValue).")
        }
        return (s, buffer)
    }

    /// An opaque record id from the buffer position.
    static func recordId(_ s: DeliveryStream, _ position: UInt64) -> String {
        var bytes: [UInt8] = []
        for v in [UInt64(bitPattern: s.id), position, UInt64(bitPattern: s.createdMillis)] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        }
        return Base64.encode(bytes)
    }

    static func emit(_ c: FirehoseContext, _ s: DeliveryStream, records: Int, bytes: Int) {
        c.emit(s, "IncomingRecords", Double(records))
        c.emit(s, "IncomingBytes", Double(bytes), unit: "Bytes")
        c.emit(s, "IncomingPutRequests", 1)
    }

    static func append(_ buffer: ShardLog, _ records: [[UInt8]], now: Int64) throws(FirehoseError) -> UInt64 {
        do {
            return try buffer.append(records.map { LogRecord(partitionKey: "", data: $0) }, now: now).first
        } catch {
            throw .serviceUnavailable("Could not buffer the records: \(error)")
        }
    }

    static func encrypted(_ s: DeliveryStream) -> Bool { s.encryption?.status == .ENABLED }
}
