import EddyWire

/// DescribeAccountSettings / UpdateAccountSettings: the minimum throughput billing commitment,
/// kept per account and region as its JSON answer.
enum AccountSettings {
    typealias Commitment = KinesisAPI.MinimumThroughputBillingCommitmentOutput

    static let disabled = Commitment(status: .DISABLED)

    static func key(_ c: KinesisContext) -> String { "account-settings:\(c.request.accountId):\(c.request.region)" }

    static func load(_ c: KinesisContext) -> Commitment? {
        guard let bytes = try? c.store.setting(key(c)), let tree = try? JSONParser.parse(bytes) else { return nil }
        return try? Commitment.decode(tree, style: .json)
    }

    static func save(_ commitment: Commitment, _ c: KinesisContext) throws(KinesisError) {
        do { try c.store.setSetting(key(c), commitment.jsonBytes()) } catch { throw .internalFailure("Could not store the settings: \(error)") }
    }
}
