import EddyWire

/// ListTagsForDeliveryStream: tags in key order, paged by ExclusiveStartTagKey and Limit.
extension FirehoseAPI.ListTagsForDeliveryStream: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let s = try c.stream(input.deliveryStreamName)
        let tags = s.tags.sorted { $0.0 < $1.0 }.filter { tag in input.exclusiveStartTagKey.map { tag.0 > $0 } ?? true }
        let page = tags.page(input.limit ?? 50)
        return Output(tags: page.map { FirehoseAPI.Tag(key: $0.0, value: $0.1) }, hasMoreTags: tags.count > page.count)
    }
}
