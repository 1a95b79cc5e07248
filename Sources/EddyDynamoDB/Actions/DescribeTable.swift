import EddyWire

extension DynamoDBAPI.DescribeTable: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard let table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        let usage = try c.storage { try c.store.usage(table) }
        return Output(table: table.description(status: table.status(now: c.now, createMillis: c.service.createMillis), usage: usage))
    }
}
