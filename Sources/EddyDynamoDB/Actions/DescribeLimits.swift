import EddyWire

/// DescribeLimits: DynamoDB's default quotas (Eddy enforces no capacity).
extension DynamoDBAPI.DescribeLimits: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        Output(accountMaxReadCapacityUnits: 80_000, accountMaxWriteCapacityUnits: 80_000,
               tableMaxReadCapacityUnits: 40_000, tableMaxWriteCapacityUnits: 40_000)
    }
}
