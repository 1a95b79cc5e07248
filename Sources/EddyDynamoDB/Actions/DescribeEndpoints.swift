import EddyWire

/// DescribeEndpoints: this server, as the client reached it.
extension DynamoDBAPI.DescribeEndpoints: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        Output(endpoints: [DynamoDBAPI.Endpoint(address: c.host, cachePeriodInMinutes: 1440)])
    }
}
