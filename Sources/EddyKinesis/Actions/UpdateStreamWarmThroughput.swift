import EddyWire

/// UpdateStreamWarmThroughput: the warm throughput of an on-demand stream, kept and reported.
extension KinesisAPI.UpdateStreamWarmThroughput: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        let target = input.warmThroughputMiBps
        let (current, arn) = try StreamSettings.change(c, key: key, updating: false) { (s: inout Stream) throws(KinesisError) in
            guard s.mode == .ON_DEMAND else {
                throw .invalidArgument("Warm throughput can only be set on streams in ON_DEMAND mode.")
            }
            let current = s.warmThroughputMiBps
            s.warmThroughputMiBps = target
            return (current, s.arn)
        }
        return Output(streamARN: arn, streamName: key.name,
                      warmThroughput: KinesisAPI.WarmThroughputObject(targetMiBps: target, currentMiBps: current))
    }
}
