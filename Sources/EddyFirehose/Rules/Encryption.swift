/// Server-side encryption of a delivery stream: the state is kept and reported (records are
/// stored as they are: there is no KMS here).
enum Encryption {
    static func enabled(_ input: FirehoseAPI.DeliveryStreamEncryptionConfigurationInput?) -> FirehoseAPI.DeliveryStreamEncryptionConfiguration {
        FirehoseAPI.DeliveryStreamEncryptionConfiguration(keyARN: input?.keyARN, keyType: input?.keyType ?? .AWS_OWNED_CMK, status: .ENABLED)
    }

    static let disabled = FirehoseAPI.DeliveryStreamEncryptionConfiguration(status: .DISABLED)
}
