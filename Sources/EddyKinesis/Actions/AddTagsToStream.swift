import EddyWire

extension KinesisAPI.AddTagsToStream: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        try TagRules.add(try TagRules.tags(input.tags), to: key, c)
        return Output()
    }
}
