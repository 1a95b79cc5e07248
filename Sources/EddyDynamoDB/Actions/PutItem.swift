import EddyWire

/// PutItem: the item checked (types, numbers, sets, nesting, 400 KB), stored under its key,
/// replacing any item there.
extension DynamoDBAPI.PutItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemWrites.refuseConditions(expected: input.expected != nil, condition: input.conditionExpression,
                                        names: input.expressionAttributeNames, values: input.expressionAttributeValues)
        let returnValues = try ItemWrites.oldOrNone(input.returnValues)
        let item = try AttributeValues.checked(input.item)
        let size = AttributeValues.size(of: item)
        guard size <= AttributeValues.maxItemBytes else { throw .validation("Item size has exceeded the maximum allowed size") }
        let table = try c.itemTable(input.tableName)
        try ItemWrites.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
        let key = try table.key(ofItem: item)
        let old = try c.storage { try c.store.write(table, key, item) }
        let units = Capacity.writeUnits(bytes: max(size, old.map(AttributeValues.size(of:)) ?? 0))
        return Output(attributes: returnValues == .ALL_OLD ? old : nil,
                      consumedCapacity: Capacity.consumed(units, table: table.name, read: false, input.returnConsumedCapacity))
    }
}

/// What PutItem and DeleteItem share until conditions and UpdateItem arrive.
enum ItemWrites {
    static func refuseConditions(expected: Bool, condition: String?, names: ShapeMap<String>?,
                                 values: ShapeMap<AttributeValue>?) throws(DynamoDBError) {
        if expected || condition != nil { throw .unsupported("conditional writes (ConditionExpression, Expected)") }
        if values != nil {
            throw .validation("ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null")
        }
        if names != nil {
            throw .validation("ExpressionAttributeNames can only be specified when using expressions")
        }
    }

    static func oldOrNone(_ returnValues: DynamoDBAPI.ReturnValue?) throws(DynamoDBError) -> DynamoDBAPI.ReturnValue {
        let value = returnValues ?? .NONE
        guard value == .NONE || value == .ALL_OLD else {
            throw .validation("Return values set to invalid value")
        }
        return value
    }

    /// Item collections exist only for tables with local secondary indexes.
    static func refuseCollectionMetrics(_ asked: DynamoDBAPI.ReturnItemCollectionMetrics?, _ table: Table) throws(DynamoDBError) {
        if asked == .SIZE, table.definition.localSecondaryIndexes?.isEmpty == false {
            throw .unsupported("item collection metrics (ReturnItemCollectionMetrics)")
        }
    }
}
