import EddyWire

/// GetItem: every read is strongly consistent here, so ConsistentRead changes only its cost.
extension DynamoDBAPI.GetItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        if input.projectionExpression != nil { throw .unsupported("ProjectionExpression") }
        if input.expressionAttributeNames != nil {
            throw .validation("ExpressionAttributeNames can only be specified when using expressions")
        }
        var seen = Set<String>()
        for name in input.attributesToGet ?? [] where !seen.insert(name).inserted {
            throw .invalid("Duplicate value in attribute name: \(name)")
        }
        let table = try c.itemTable(input.tableName)
        let key = try table.key(named: try AttributeValues.checked(input.key))
        var item = try c.storage { try c.store.item(table, key) }
        if let names = input.attributesToGet.map(Set.init), let found = item {
            item = Item(found.entries.filter { names.contains($0.key) })
        }
        let units = Capacity.readUnits(bytes: item.map(AttributeValues.size(of:)) ?? 0, consistent: input.consistentRead == true)
        return Output(item: item, consumedCapacity: Capacity.consumed(units, table: table.name, read: true, input.returnConsumedCapacity))
    }
}
