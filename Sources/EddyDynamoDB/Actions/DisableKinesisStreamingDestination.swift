import EddyWire

extension DynamoDBAPI.DisableKinesisStreamingDestination: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard var table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        guard let i = table.kinesisDestinations.firstIndex(where: { $0.streamArn == input.streamArn && $0.destinationStatus == .ACTIVE }) else {
            throw .validation("Table is not streaming to the destination: \(input.streamArn)")
        }
        table.kinesisDestinations[i].destinationStatus = .DISABLED
        try c.storage { try c.store.save(table) }
        return Output(tableName: table.name, streamArn: input.streamArn, destinationStatus: .DISABLING,
                      enableKinesisStreamingConfiguration: input.enableKinesisStreamingConfiguration)
    }
}
