import EddyWire

extension KinesisAPI.UntagResource: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try TagRules.streamKey(resourceARN: input.resourceARN)
        try TagRules.remove(input.tagKeys, from: key, c)
        return Output()
    }
}
