import EddyWire

/// BatchGetItem: up to 100 keys over any tables; past 16 MB of answer the remaining keys come
/// back as UnprocessedKeys, as DynamoDB returns them.
extension DynamoDBAPI.BatchGetItem: DynamoDBAction {
    static let maxKeys = 100
    static let maxBytes = 16 << 20

    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let total = input.requestItems.entries.reduce(0) { $0 + $1.value.keys.count }
        guard total <= maxKeys else {
            throw .validation("Too many items requested for the BatchGetItem call")
        }
        var plans: [(Table, DynamoDBAPI.KeysAndAttributes, [(StoredKey, Item)], [DocumentPath]?)] = []
        for (name, request) in input.requestItems.entries {
            try ItemRequests.refuseMixing(legacy: [("AttributesToGet", request.attributesToGet != nil)],
                                          expressions: [("ProjectionExpression", request.projectionExpression != nil)])
            var context = try ItemRequests.context(names: request.expressionAttributeNames, values: nil,
                                                   expressions: [("ProjectionExpression", request.projectionExpression)])
            var projection = try request.projectionExpression.map { (t) throws(DynamoDBError) in try ExpressionParser.projection(t, &context) }
            try context.checkAllUsed()
            if let names = request.attributesToGet { projection = names.map { DocumentPath(elements: [.name($0)]) } }
            let table = try c.itemTable(name)
            var keys: [(StoredKey, Item)] = []
            var seen = Set<StoredKey>()
            for key in request.keys {
                let checked = try AttributeValues.checked(key)
                let stored = try table.key(named: checked)
                guard seen.insert(stored).inserted else { throw .validation("Provided list of item keys contains duplicates") }
                keys.append((stored, checked))
            }
            plans.append((table, request, keys, projection))
        }
        var responses: [(key: String, value: [Item])] = []
        var unprocessed: [(key: String, value: DynamoDBAPI.KeysAndAttributes)] = []
        var consumed: [DynamoDBAPI.ConsumedCapacity] = []
        var bytes = 0
        let admitted = plans.filter { c.admits($0.0, read: true) }
        guard !admitted.isEmpty || plans.isEmpty else { throw .throughputExceeded(index: false) }
        for (table, request, _, _) in plans where !admitted.contains(where: { $0.0.id == table.id }) {
            unprocessed.append((table.name, request))
        }
        for (table, request, keys, projection) in admitted {
            var found: [Item] = []
            var left: [Item] = []
            var units = 0.0
            for (stored, key) in keys {
                guard bytes < maxBytes else { left.append(key); continue }
                guard let item = try c.storage({ try c.store.item(table, stored) }) else { continue }
                let size = AttributeValues.size(of: item)
                bytes += size
                units += Capacity.readUnits(bytes: size, consistent: request.consistentRead == true)
                found.append(projection.map { Projection.project(item, $0) } ?? item)
            }
            responses.append((table.name, found))
            if !left.isEmpty {
                var rest = request
                rest.keys = left
                unprocessed.append((table.name, rest))
            }
            if let capacity = c.consumed(units, table: table.name, read: true, input.returnConsumedCapacity) { consumed.append(capacity) }
        }
        return Output(responses: ShapeMap(responses), unprocessedKeys: ShapeMap(unprocessed),
                      consumedCapacity: consumed.isEmpty ? nil : consumed)
    }
}
