import EddyStorage
import EddyWire

/// DynamoDB streams table changes into Kinesis through this, as a producer's PutRecord would.
extension KinesisService: StreamRecordWriter {
    public func acceptsRecords(stream arn: String) -> Bool {
        guard let key = StreamARN.parse(arn), let s = store.stream(key, now: clock()) else { return false }
        let status = s.status(now: clock(), timing: store.configuration.timing)
        return status == .ACTIVE || status == .UPDATING
    }

    public func putRecord(stream arn: String, partitionKey: String, data: [UInt8]) throws {
        let now = clock()
        guard let key = StreamARN.parse(arn), let stream = store.stream(key, now: now), acceptsRecords(stream: arn) else {
            throw StreamRecordWriterError("Kinesis stream \(arn) is not active")
        }
        let entry: StreamStore.AppendEntry
        do {
            entry = try RecordEntries.entry(partitionKey: partitionKey, data: data, explicitHashKey: nil, listIndex: nil, stream: stream)
        } catch {
            throw StreamRecordWriterError("the change record does not fit the stream: \(error.awsError.message ?? "")")
        }
        let (_, outcomes) = try store.append([entry], to: stream, now: now)
        guard case .stored? = outcomes.first else { throw StreamRecordWriterError("the stream did not store the change record") }
        metrics?.record(MetricDatum(account: key.account, region: key.region, namespace: "AWS/Kinesis", name: "IncomingRecords",
                                    dimensions: [("StreamName", key.name)], unit: "Count", value: 1, timestampMillis: now))
        metrics?.record(MetricDatum(account: key.account, region: key.region, namespace: "AWS/Kinesis", name: "IncomingBytes",
                                    dimensions: [("StreamName", key.name)], unit: "Bytes", value: Double(entry.size), timestampMillis: now))
    }
}
