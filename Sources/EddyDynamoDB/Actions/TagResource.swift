import EddyWire

extension DynamoDBAPI.TagResource: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        var table = try c.table(arn: input.resourceArn)
        var tags = table.definition.tags ?? []
        for tag in input.tags {
            if let i = tags.firstIndex(where: { $0.key == tag.key }) { tags[i] = tag } else { tags.append(tag) }
        }
        guard tags.count <= 50 else { throw .limitExceeded("Tag limit exceeded: a table has at most 50 tags") }
        table.definition.tags = tags
        try c.storage { try c.store.save(table) }
        return Output()
    }
}
