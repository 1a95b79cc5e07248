import EddyWire

extension DynamoDBAPI.DeleteItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let condition = try ItemRequests.writeCondition(expression: input.conditionExpression, expected: input.expected,
                                                        conditionalOperator: input.conditionalOperator,
                                                        names: input.expressionAttributeNames, values: input.expressionAttributeValues)
        let returnValues = try ItemRequests.oldOrNone(input.returnValues)
        let table = try c.itemTable(input.tableName)
        try c.admit(table, read: false)
        try ItemRequests.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
        let key = try table.key(named: try AttributeValues.checked(input.key))
        let old = try c.change(table, key) { (old) throws(DynamoDBError) in
            try ItemRequests.check(condition, old, returning: input.returnValuesOnConditionCheckFailure)
            return nil
        }.old
        let units = Capacity.write(table, old: old, new: nil)
        return Output(attributes: returnValues == .ALL_OLD ? old : nil,
                      consumedCapacity: c.consumed(units, table: table.name, read: false, input.returnConsumedCapacity))
    }
}
