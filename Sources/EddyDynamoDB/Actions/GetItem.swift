import EddyWire

/// GetItem: every read is strongly consistent here, so ConsistentRead changes only its cost.
extension DynamoDBAPI.GetItem: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemRequests.refuseMixing(legacy: [("AttributesToGet", input.attributesToGet != nil)],
                                      expressions: [("ProjectionExpression", input.projectionExpression != nil)])
        var context = try ItemRequests.context(names: input.expressionAttributeNames, values: nil,
                                               expressions: [("ProjectionExpression", input.projectionExpression)])
        var projection = try input.projectionExpression.map { (text) throws(DynamoDBError) in try ExpressionParser.projection(text, &context) }
        try context.checkAllUsed()
        var seen = Set<String>()
        for name in input.attributesToGet ?? [] where !seen.insert(name).inserted {
            throw .invalid("Duplicate value in attribute name: \(name)")
        }
        if let names = input.attributesToGet { projection = names.map { DocumentPath(elements: [.name($0)]) } }
        let table = try c.itemTable(input.tableName)
        try c.admit(table, read: true)
        let key = try table.key(named: try AttributeValues.checked(input.key))
        var item = try c.storage { try c.store.item(table, key) }
        // A read costs the whole item, whatever part of it is answered.
        let units = Capacity.readUnits(bytes: item.map(AttributeValues.size(of:)) ?? 0, consistent: input.consistentRead == true)
        if let projection, let found = item { item = Projection.project(found, projection) }
        return Output(item: item, consumedCapacity: c.consumed(units, table: table.name, read: true, input.returnConsumedCapacity))
    }
}
