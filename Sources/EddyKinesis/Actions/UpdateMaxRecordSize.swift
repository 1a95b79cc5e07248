import EddyWire

/// UpdateMaxRecordSize: PutRecord(s) accept records up to the new size (the model allows 1–10 MiB).
extension KinesisAPI.UpdateMaxRecordSize: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: nil, arn: input.streamARN)
        try StreamSettings.change(c, key: key, updating: false) { (s: inout Stream) throws(KinesisError) in
            s.maxRecordSizeKiB = input.maxRecordSizeInKiB
        }
        return Output()
    }
}
