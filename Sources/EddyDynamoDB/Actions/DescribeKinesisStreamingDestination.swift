import EddyWire

extension DynamoDBAPI.DescribeKinesisStreamingDestination: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard let table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        return Output(tableName: table.name, kinesisDataStreamDestinations: table.kinesisDestinations)
    }
}
