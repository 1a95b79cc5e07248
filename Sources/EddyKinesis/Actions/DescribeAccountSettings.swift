import EddyWire

extension KinesisAPI.DescribeAccountSettings: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        Output(minimumThroughputBillingCommitment: AccountSettings.load(c) ?? AccountSettings.disabled)
    }
}
