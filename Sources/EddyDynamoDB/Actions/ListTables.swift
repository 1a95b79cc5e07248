import EddyWire

/// ListTables: names in order (the model limits them to ASCII), at most 100 a page, continuing
/// after ExclusiveStartTableName.
extension DynamoDBAPI.ListTables: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let names = c.store.all(c.request.accountId, c.request.region).map(\.name).sorted()
            .filter { name in input.exclusiveStartTableName.map { name > $0 } ?? true }
        let page = names.page(input.limit ?? 100)
        return Output(tableNames: Array(page), lastEvaluatedTableName: names.count > page.count ? page.last : nil)
    }
}
