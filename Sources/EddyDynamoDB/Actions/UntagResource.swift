import EddyWire

extension DynamoDBAPI.UntagResource: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        var table = try c.table(arn: input.resourceArn)
        let removed = Set(input.tagKeys)
        table.definition.tags = (table.definition.tags ?? []).filter { !removed.contains($0.key) }
        try c.storage { try c.store.save(table) }
        return Output()
    }
}
