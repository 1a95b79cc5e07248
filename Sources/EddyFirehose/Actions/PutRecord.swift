import EddyWire

extension FirehoseAPI.PutRecord: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let (s, buffer) = try Ingest.buffer(input.deliveryStreamName, c)
        let data = input.record.data
        let position = try Ingest.append(buffer, [data], now: c.now)
        Ingest.emit(c, s, records: 1, bytes: data.count)
        return Output(recordId: Ingest.recordId(s, position), encrypted: Ingest.encrypted(s))
    }
}
