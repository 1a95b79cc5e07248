import EddyWire

extension FirehoseAPI.StartDeliveryStreamEncryption: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        var s = try c.stream(input.deliveryStreamName)
        s.encryption = Encryption.enabled(input.deliveryStreamEncryptionConfigurationInput)
        try c.catalog { try c.store.save(s) }
        return Output()
    }
}
