import EddyWire

extension KinesisAPI.IncreaseStreamRetentionPeriod: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        try RetentionRules.change(try c.streamKey(name: input.streamName, arn: input.streamARN), to: input.retentionPeriodHours,
                                  increase: true, c)
        return Output()
    }
}
