import EddyWire

extension DynamoDBAPI.DeleteItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemWrites.refuseConditions(expected: input.expected != nil, condition: input.conditionExpression,
                                        names: input.expressionAttributeNames, values: input.expressionAttributeValues)
        let returnValues = try ItemWrites.oldOrNone(input.returnValues)
        let table = try c.itemTable(input.tableName)
        try ItemWrites.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
        let key = try table.key(named: try AttributeValues.checked(input.key))
        let old = try c.storage { try c.store.write(table, key, nil) }
        let units = Capacity.writeUnits(bytes: old.map(AttributeValues.size(of:)) ?? 0)
        return Output(attributes: returnValues == .ALL_OLD ? old : nil,
                      consumedCapacity: Capacity.consumed(units, table: table.name, read: false, input.returnConsumedCapacity))
    }
}
