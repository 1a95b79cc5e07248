import EddyWire

/// PutRecordBatch: up to 500 records and 4 MiB, buffered with one append.
extension FirehoseAPI.PutRecordBatch: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let (s, buffer) = try Ingest.buffer(input.deliveryStreamName, c)
        let records = input.records.map(\.data)
        let bytes = records.reduce(0) { $0 + $1.count }
        guard bytes <= Ingest.maxBatchBytes else { throw .invalidArgument("Records size exceeds 4 MiB limit") }
        let first = try Ingest.append(buffer, records, now: c.now)
        Ingest.emit(c, s, records: records.count, bytes: bytes)
        return Output(failedPutCount: 0, encrypted: Ingest.encrypted(s),
                      requestResponses: records.indices.map { FirehoseAPI.PutRecordBatchResponseEntry(recordId: Ingest.recordId(s, first + UInt64($0))) })
    }
}
