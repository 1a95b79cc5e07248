import EddyWire

/// PutItem: the item checked (types, numbers, sets, nesting, 400 KB), its condition evaluated
/// against the item it replaces, both in one transaction.
extension DynamoDBAPI.PutItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let condition = try ItemRequests.writeCondition(expression: input.conditionExpression, expected: input.expected,
                                                        conditionalOperator: input.conditionalOperator,
                                                        names: input.expressionAttributeNames, values: input.expressionAttributeValues)
        let returnValues = try ItemRequests.oldOrNone(input.returnValues)
        let item = try AttributeValues.checked(input.item)
        let size = AttributeValues.size(of: item)
        guard size <= AttributeValues.maxItemBytes else { throw .validation("Item size has exceeded the maximum allowed size") }
        let table = try c.itemTable(input.tableName)
        try c.admit(table, read: false)
        try ItemRequests.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
        let key = try table.key(ofItem: item)
        let old = try c.change(table, key) { (old) throws(DynamoDBError) in
            try ItemRequests.check(condition, old, returning: input.returnValuesOnConditionCheckFailure)
            return item
        }.old
        let units = Capacity.write(table, old: old, new: item)
        return Output(attributes: returnValues == .ALL_OLD ? old : nil,
                      consumedCapacity: c.consumed(units, table: table.name, read: false, input.returnConsumedCapacity))
    }
}
