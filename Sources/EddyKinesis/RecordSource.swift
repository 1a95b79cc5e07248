import EddyStorage
import EddyWire

/// Firehose reads Kinesis streams through this.
extension KinesisService: StreamRecordSource {
    public func shards(ofStream arn: String) -> [SourceShard]? {
        guard let key = StreamARN.parse(arn), let s = store.stream(key, now: clock()),
              s.status(now: clock(), timing: store.configuration.timing) != .CREATING else { return nil }
        return s.shards.map { shard in
            let b = shard.log.bounds
            return SourceShard(index: shard.index, first: b.first, next: b.next, end: shard.endCounter,
                               parent: shard.parent, adjacentParent: shard.adjacentParent)
        }
    }

    public func pending(stream arn: String, shard index: Int, from position: UInt64, maxBytes: Int) -> (bytes: Int, oldest: Int64?)? {
        guard let key = StreamARN.parse(arn), let s = store.stream(key, now: clock()),
              let shard = s.shards.first(where: { $0.index == index }) else { return nil }
        return shard.log.pending(from: position, maxBytes: maxBytes)
    }

    public func read(stream arn: String, shard index: Int, from position: UInt64, maxRecords: Int,
                     maxBytes: Int) -> (records: [SourceRecord], next: UInt64)? {
        guard let key = StreamARN.parse(arn), let s = store.stream(key, now: clock()),
              let shard = s.shards.first(where: { $0.index == index }) else { return nil }
        var records: [SourceRecord] = []
        guard let result = try? shard.log.read(from: position, maxRecords: maxRecords, maxBytes: maxBytes, { r in
            records.append(SourceRecord(position: r.sequence, arrivalMillis: r.arrivalMillis, data: Array(r.data)))
        }) else { return nil }
        return (records, result.nextSequence)
    }
}
