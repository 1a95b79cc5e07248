import EddyWire

/// UpdateTimeToLive: while enabled, items whose attribute holds a time (epoch seconds) in the
/// past are deleted by the sweeper, as DynamoDB deletes them some time after they expire.
extension DynamoDBAPI.UpdateTimeToLive: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard var table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        let spec = input.timeToLiveSpecification
        if spec.enabled {
            guard table.timeToLiveAttribute == nil else { throw .validation("TimeToLive is already enabled") }
            table.timeToLiveAttribute = spec.attributeName
        } else {
            guard table.timeToLiveAttribute != nil else { throw .validation("TimeToLive is already disabled") }
            guard table.timeToLiveAttribute == spec.attributeName else {
                throw .validation("TimeToLive is active on a different AttributeName: current AttributeName is \(table.timeToLiveAttribute ?? "")")
            }
            table.timeToLiveAttribute = nil
        }
        try c.storage { try c.store.save(table) }
        return Output(timeToLiveSpecification: spec)
    }
}
