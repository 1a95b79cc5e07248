import EddyWire

extension KinesisAPI.StopStreamEncryption: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            guard s.encryptionType == .KMS else { return }
            if let current = s.keyId, current != input.keyId {
                throw .invalidArgument("KeyId \(input.keyId) does not match the stream's current KeyId \(current).")
            }
            s.encryptionType = .NONE
            s.keyId = nil
        }
        return Output()
    }
}
