import EddyWire
import Logging

/// Kinesis Data Streams for DynamoDB: each committed item change put into the table's
/// streaming destinations as the change record AWS writes (eventName, dynamodb.Keys, NewImage,
/// OldImage, ApproximateCreationDateTime, SizeBytes …), with the item's key as partition key so
/// the changes of one item stay in order on one shard.
struct ChangeRecords: Sendable {
    let streams: (any StreamRecordWriter)?
    let logger: Logger

    enum Origin { case request, timeToLive }

    func publish(_ table: Table, old: Item?, new: Item?, at millis: Int64, origin: Origin = .request) {
        guard let streams, table.streamsChanges, old != nil || new != nil else { return }
        let keys = table.keyAttributes(of: new ?? old ?? Item())
        for destination in table.kinesisDestinations where destination.destinationStatus == .ACTIVE {
            guard let arn = destination.streamArn else { continue }
            let micro = destination.approximateCreationDateTimePrecision == .MICROSECOND
            let record = Self.record(table, keys: keys, old: old, new: new, time: micro ? millis * 1000 : millis, origin: origin)
            let partitionKey = Hex.lower(MD5Digest.of(TableStore.encode(keys)))
            do {
                try streams.putRecord(stream: arn, partitionKey: partitionKey, data: record)
            } catch {
                // The write is committed; a stream that cannot take the record does not undo it.
                logger.warning("table \(table.name): the change record was not put into \(arn): \(error)")
            }
        }
    }

    static func record(_ table: Table, keys: Item, old: Item?, new: Item?, time: Int64, origin: Origin) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("awsRegion"); w.string(table.region)
        w.key("eventID"); w.string(uuid())
        w.key("eventName"); w.string(old == nil ? "INSERT" : new == nil ? "REMOVE" : "MODIFY")
        w.key("userIdentity")
        if origin == .timeToLive {
            w.beginObject()
            w.key("type"); w.string("Service")
            w.key("principalId"); w.string("dynamodb.amazonaws.com")
            w.endObject()
        } else {
            w.null()
        }
        w.key("recordFormat"); w.string("application/json")
        w.key("tableName"); w.string(table.name)
        w.key("dynamodb")
        w.beginObject()
        w.key("ApproximateCreationDateTime"); w.raw(Array(String(time).utf8))
        w.key("Keys"); w.raw(TableStore.encode(keys))
        if let new { w.key("NewImage"); w.raw(TableStore.encode(new)) }
        if let old { w.key("OldImage"); w.raw(TableStore.encode(old)) }
        let size = AttributeValues.size(of: keys) + (new.map(AttributeValues.size(of:)) ?? 0) + (old.map(AttributeValues.size(of:)) ?? 0)
        w.key("SizeBytes"); w.raw(Array(String(size).utf8))
        w.endObject()
        w.key("eventSource"); w.string("aws:dynamodb")
        w.endObject()
        return w.bytes
    }

    static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.lower(bytes)
        let u = Array(hex.utf8)
        return [u[0..<8], u[8..<12], u[12..<16], u[16..<20], u[20..<32]].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }
}
