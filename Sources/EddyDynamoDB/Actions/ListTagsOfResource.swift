import EddyWire

/// ListTagsOfResource: a table's tags (at most 50, so one page).
extension DynamoDBAPI.ListTagsOfResource: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        Output(tags: try c.table(arn: input.resourceArn).definition.tags ?? [])
    }
}
