import EddyWire

extension KinesisAPI.RemoveTagsFromStream: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        try TagRules.remove(input.tagKeys, from: key, c)
        return Output()
    }
}
