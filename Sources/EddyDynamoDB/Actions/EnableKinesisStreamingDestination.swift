import EddyWire

/// EnableKinesisStreamingDestination: from now on every change of the table's items is put
/// into the Kinesis stream (see ChangeRecords).
extension DynamoDBAPI.EnableKinesisStreamingDestination: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard var table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        guard let streams = c.service.changes.streams, streams.acceptsRecords(stream: input.streamArn) else {
            throw .resourceNotFound("Requested resource not found: Kinesis stream \(input.streamArn) not found or not active")
        }
        let precision = input.enableKinesisStreamingConfiguration?.approximateCreationDateTimePrecision ?? .MILLISECOND
        if table.kinesisDestinations.contains(where: { $0.streamArn == input.streamArn && $0.destinationStatus == .ACTIVE }) {
            throw .validation("Table is already streaming to the destination: \(input.streamArn)")
        }
        table.kinesisDestinations.removeAll { $0.streamArn == input.streamArn }
        table.kinesisDestinations.append(DynamoDBAPI.KinesisDataStreamDestination(
            streamArn: input.streamArn, destinationStatus: .ACTIVE, approximateCreationDateTimePrecision: precision))
        try c.storage { try c.store.save(table) }
        return Output(tableName: table.name, streamArn: input.streamArn, destinationStatus: .ENABLING,
                      enableKinesisStreamingConfiguration: DynamoDBAPI.EnableKinesisStreamingConfiguration(approximateCreationDateTimePrecision: precision))
    }
}
