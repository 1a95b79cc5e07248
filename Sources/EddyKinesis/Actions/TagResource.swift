import EddyWire

extension KinesisAPI.TagResource: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try TagRules.streamKey(resourceARN: input.resourceARN)
        try TagRules.add(try TagRules.tags(input.tags), to: key, c)
        return Output()
    }
}
