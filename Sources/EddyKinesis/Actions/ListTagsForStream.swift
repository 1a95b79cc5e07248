import EddyWire

/// ListTagsForStream: tags in key order, paged by ExclusiveStartTagKey and Limit.
extension KinesisAPI.ListTagsForStream: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let s = try c.existingStream(try c.streamKey(name: input.streamName, arn: input.streamARN))
        var tags = s.tags.sorted { $0.key < $1.key }
        if let start = input.exclusiveStartTagKey { tags = tags.filter { $0.key > start } }
        let page = tags.page(input.limit ?? 50)
        return Output(tags: TagRules.described(page), hasMoreTags: tags.count > page.count)
    }
}
