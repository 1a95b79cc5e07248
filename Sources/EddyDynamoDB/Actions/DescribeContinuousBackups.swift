import EddyWire

/// Point-in-time recovery is kept as the table's setting and reported; Eddy makes no backups
/// to restore from (RestoreTableToPointInTime answers NotImplemented).
extension DynamoDBAPI.DescribeContinuousBackups: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard let table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        return Output(continuousBackupsDescription: table.continuousBackups(now: c.now))
    }
}

extension Table {
    func continuousBackups(now: Int64) -> DynamoDBAPI.ContinuousBackupsDescription {
        let recovery = pointInTimeRecovery
            ? DynamoDBAPI.PointInTimeRecoveryDescription(pointInTimeRecoveryStatus: .ENABLED, recoveryPeriodInDays: 35,
                                                         earliestRestorableDateTime: Timestamp(millis: createdMillis),
                                                         latestRestorableDateTime: Timestamp(millis: now))
            : DynamoDBAPI.PointInTimeRecoveryDescription(pointInTimeRecoveryStatus: .DISABLED)
        return DynamoDBAPI.ContinuousBackupsDescription(continuousBackupsStatus: .ENABLED, pointInTimeRecoveryDescription: recovery)
    }
}
