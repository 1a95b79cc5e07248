import EddyWire

extension KinesisAPI.DisableEnhancedMonitoring: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        try StreamSettings.monitoring(input.shardLevelMetrics, streamName: input.streamName, streamARN: input.streamARN, enable: false, c)
    }
}
