import EddyWire

extension KinesisAPI.DecreaseStreamRetentionPeriod: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        try RetentionRules.change(try c.streamKey(name: input.streamName, arn: input.streamARN), to: input.retentionPeriodHours,
                                  increase: false, c)
        return Output()
    }
}
