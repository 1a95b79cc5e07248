import EddyWire

/// TransactGetItems: up to 100 items read in one transaction, a response per Get in order.
extension DynamoDBAPI.TransactGetItems: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        var plans: [(Table, StoredKey, [DocumentPath]?)] = []
        var seen = Set<String>()
        for entry in input.transactItems {
            let get = entry.get
            var context = try ItemRequests.context(names: get.expressionAttributeNames, values: nil,
                                                   expressions: [("ProjectionExpression", get.projectionExpression)])
            let projection = try get.projectionExpression.map { (t) throws(DynamoDBError) in try ExpressionParser.projection(t, &context) }
            try context.checkAllUsed()
            let table = try c.itemTable(get.tableName)
            let key = try table.key(named: try AttributeValues.checked(get.key))
            guard seen.insert("\(table.id)|\(key.hash)|\(key.range)").inserted else {
                throw .validation("Transaction request cannot include multiple operations on one item")
            }
            plans.append((table, key, projection))
        }
        try DynamoDBAPI.TransactWriteItems.refuseThrottled(plans.map { ($0.0, true) }, c)
        var units: [String: Double] = [:]
        let responses = try c.transaction { (writer) throws(DynamoDBError) in
            try plans.map { (plan) throws(DynamoDBError) in
                let item = try c.read { try writer.item(plan.0, plan.1) }
                units[plan.0.name, default: 0] += 2 * Capacity.readUnits(bytes: item.map(AttributeValues.size(of:)) ?? 0, consistent: true)
                return DynamoDBAPI.ItemResponse(item: item.map { i in plan.2.map { Projection.project(i, $0) } ?? i })
            }
        }
        let consumed = units.sorted { $0.key < $1.key }.compactMap {
            c.consumed($0.value, table: $0.key, read: true, input.returnConsumedCapacity)
        }
        return Output(consumedCapacity: consumed.isEmpty ? nil : consumed, responses: responses)
    }
}
