import EddyWire

extension DynamoDBAPI.UpdateContinuousBackups: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard var table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        if let days = input.pointInTimeRecoverySpecification.recoveryPeriodInDays, days != 35 {
            throw .unsupported("a recovery period other than 35 days (RecoveryPeriodInDays)")
        }
        table.pointInTimeRecovery = input.pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled
        try c.storage { try c.store.save(table) }
        return Output(continuousBackupsDescription: table.continuousBackups(now: c.now))
    }
}
