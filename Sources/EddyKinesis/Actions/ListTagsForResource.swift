import EddyWire

extension KinesisAPI.ListTagsForResource: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let s = try c.existingStream(try TagRules.streamKey(resourceARN: input.resourceARN))
        return Output(tags: TagRules.described(s.tags.sorted { $0.key < $1.key }))
    }
}
