import EddyWire

extension DynamoDBAPI.DescribeTimeToLive: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard let table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        let description = table.timeToLiveAttribute.map {
            DynamoDBAPI.TimeToLiveDescription(timeToLiveStatus: .ENABLED, attributeName: $0)
        } ?? DynamoDBAPI.TimeToLiveDescription(timeToLiveStatus: .DISABLED)
        return Output(timeToLiveDescription: description)
    }
}
