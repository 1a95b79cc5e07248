import EddyWire

/// UpdateItem: an UpdateExpression (or the legacy AttributeUpdates) applied to the item, made
/// from its key when there is none, after its condition holds, in one transaction.
extension DynamoDBAPI.UpdateItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemRequests.refuseMixing(
            legacy: [("AttributeUpdates", input.attributeUpdates != nil), ("Expected", input.expected != nil),
                     ("ConditionalOperator", input.conditionalOperator != nil)],
            expressions: [("UpdateExpression", input.updateExpression != nil), ("ConditionExpression", input.conditionExpression != nil)])
        var context = try ItemRequests.context(names: input.expressionAttributeNames, values: input.expressionAttributeValues,
                                               expressions: [("UpdateExpression", input.updateExpression),
                                                             ("ConditionExpression", input.conditionExpression)])
        var actions = UpdateActions()
        if let expression = input.updateExpression {
            actions = try ExpressionParser.update(expression, &context)
        } else if let updates = input.attributeUpdates {
            actions = try LegacyParameters.updates(updates)
        }
        let condition = try ItemRequests.condition(expression: input.conditionExpression, expected: input.expected,
                                                   conditionalOperator: input.conditionalOperator, &context)
        try context.checkAllUsed()
        let returnValues = input.returnValues ?? .NONE
        let table = try c.itemTable(input.tableName)
        try c.admit(table, read: false)
        try ItemRequests.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
        let keyItem = try AttributeValues.checked(input.key)
        let key = try table.key(named: keyItem)
        try ItemUpdate.refuseKeyUpdates(actions, table)
        let (old, new) = try c.change(table, key) { (old) throws(DynamoDBError) in
            try ItemRequests.check(condition, old, returning: input.returnValuesOnConditionCheckFailure)
            return try ItemUpdate.updated(actions, old, key: keyItem)
        }
        let updatedPaths = actions.paths
        let attributes: Item?
        switch returnValues {
        case .NONE: attributes = nil
        case .ALL_OLD: attributes = old
        case .ALL_NEW: attributes = new
        case .UPDATED_OLD: attributes = old.map { Projection.project($0, updatedPaths) }
        case .UPDATED_NEW: attributes = new.map { Projection.project($0, updatedPaths) }
        }
        return Output(attributes: attributes?.isEmpty == true ? nil : attributes,
                      consumedCapacity: c.consumed(Capacity.write(table, old: old, new: new), table: table.name, read: false,
                                                   input.returnConsumedCapacity))
    }
}
