import EddyWire

/// UpdateAccountSettings: a commitment runs at least a day before it may end.
extension KinesisAPI.UpdateAccountSettings: KinesisAction {
    static let minimumCommitmentMillis: Int64 = 86_400_000

    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let previous = AccountSettings.load(c)
        let now = Timestamp(millis: c.now)
        let settings: AccountSettings.Commitment
        switch input.minimumThroughputBillingCommitment.status {
        case .ENABLED:
            let started = previous?.status == .ENABLED ? (previous?.startedAt ?? now) : now
            settings = AccountSettings.Commitment(status: .ENABLED, startedAt: started,
                                                  earliestAllowedEndAt: Timestamp(millis: started.millis + minimumCommitmentMillis))
        case .DISABLED:
            if let previous, previous.status == .ENABLED, let earliest = previous.earliestAllowedEndAt, now < earliest {
                throw .invalidArgument("The minimum throughput billing commitment cannot end before \(AWSDate.iso8601(earliest.millis)).")
            }
            settings = AccountSettings.Commitment(status: .DISABLED, startedAt: previous?.startedAt,
                                                  endedAt: previous?.startedAt == nil ? nil : now)
        }
        try AccountSettings.save(settings, c)
        return Output(minimumThroughputBillingCommitment: settings)
    }
}
