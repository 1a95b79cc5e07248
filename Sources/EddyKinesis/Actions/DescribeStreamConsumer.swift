import EddyWire

extension KinesisAPI.DescribeStreamConsumer: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let (stream, consumer) = try ConsumerRules.locate(consumerARN: input.consumerARN, streamARN: input.streamARN,
                                                          consumerName: input.consumerName, c)
        let d = consumer.described(of: stream, c)
        return Output(consumerDescription: KinesisAPI.ConsumerDescription(
            consumerName: d.consumerName, consumerARN: d.consumerARN, consumerStatus: d.consumerStatus,
            consumerCreationTimestamp: d.consumerCreationTimestamp, streamARN: stream.arn))
    }
}
