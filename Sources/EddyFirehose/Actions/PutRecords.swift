import EddyStorage
import EddyWire

/// PutRecord and PutRecordBatch: records are acknowledged once they are in the delivery
/// stream's durable buffer; a Kinesis-sourced stream refuses them, as AWS does.
enum Ingest {
    static let maxRecordBytes = 1000 * 1024
    static let maxBatchBytes = 4 << 20

    static func buffer(_ c: FirehoseContext) throws(FirehoseError) -> (DeliveryStream, ShardLog) {
        let s = try c.stream()
        guard s.type == "DirectPut", let buffer = s.buffer else {
            throw .invalidArgument("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
        }
        guard c.status(s) == "ACTIVE" else {
            throw .resourceInUse("Firehose \(s.name) under account \(s.account) is not ACTIVE, instead in state \(c.status(s)).")
        }
        return (s, buffer)
    }

    static func data(_ record: JSONValue?) throws(FirehoseError) -> [UInt8] {
        let bytes = (try? Base64.decode(record?.object?["Data"]?.string ?? "")) ?? []
        guard bytes.count <= maxRecordBytes else {
            throw .invalidArgument("Record size exceeds the limit of \(maxRecordBytes) bytes.")
        }
        return bytes
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
}

enum PutRecord: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let (s, buffer) = try Ingest.buffer(c)
        let data = try Ingest.data(c.input["Record"])
        let position = try Ingest.append(buffer, [data], now: c.now)
        Ingest.emit(c, s, records: 1, bytes: data.count)
        return json { w in
            w.member("RecordId", Ingest.recordId(s, position))
            w.member("Encrypted", s.encryption?["Status"]?.string == "ENABLED")
        }
    }
}

enum PutRecordBatch: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let (s, buffer) = try Ingest.buffer(c)
        var records: [[UInt8]] = []
        for r in c.input["Records"]?.array ?? [] { records.append(try Ingest.data(r)) }
        guard records.reduce(0, { $0 + $1.count }) <= Ingest.maxBatchBytes else {
            throw .invalidArgument("Records size exceeds 4 MiB limit")
        }
        let first = try Ingest.append(buffer, records, now: c.now)
        Ingest.emit(c, s, records: records.count, bytes: records.reduce(0) { $0 + $1.count })
        return json { w in
            w.member("FailedPutCount", 0)
            w.member("Encrypted", s.encryption?["Status"]?.string == "ENABLED")
            w.key("RequestResponses"); w.beginArray()
            for n in records.indices {
                w.beginObject(); w.member("RecordId", Ingest.recordId(s, first + UInt64(n))); w.endObject()
            }
            w.endArray()
        }
    }
}
