import EddyWire

/// DeleteTable: answers the table as DELETING; it and its items are gone at once.
extension DynamoDBAPI.DeleteTable: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        guard let table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        if table.definition.deletionProtectionEnabled == true {
            throw .validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
        }
        let usage = try c.storage { try c.store.usage(table) }
        try c.storage { try c.store.delete(table) }
        return Output(tableDescription: table.description(status: .DELETING, usage: usage))
    }
}
