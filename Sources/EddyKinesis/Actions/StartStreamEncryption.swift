import EddyWire

/// StartStreamEncryption: the state and KeyId are kept and reported; records stay readable
/// (Eddy stores them as they are: no KMS here to encrypt with).
extension KinesisAPI.StartStreamEncryption: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        guard input.encryptionType == .KMS else {
            throw .invalidArgument("Invalid EncryptionType \(input.encryptionType.rawValue): only KMS can be started.")
        }
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            s.encryptionType = .KMS
            s.keyId = input.keyId
        }
        return Output()
    }
}
