import EddyWire

/// Query: one partition of the table or of an index, in sort-key order (either way), the sort
/// key narrowed by its condition, read as ItemReads reads.
extension DynamoDBAPI.Query: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemRequests.refuseMixing(
            legacy: [("KeyConditions", input.keyConditions != nil), ("QueryFilter", input.queryFilter != nil),
                     ("AttributesToGet", input.attributesToGet != nil), ("ConditionalOperator", input.conditionalOperator != nil)],
            expressions: [("KeyConditionExpression", input.keyConditionExpression != nil), ("FilterExpression", input.filterExpression != nil),
                          ("ProjectionExpression", input.projectionExpression != nil)])
        var context = try ItemRequests.context(
            names: input.expressionAttributeNames, values: input.expressionAttributeValues,
            expressions: [("KeyConditionExpression", input.keyConditionExpression), ("FilterExpression", input.filterExpression),
                          ("ProjectionExpression", input.projectionExpression)])
        var keyCondition: Condition?
        if let text = input.keyConditionExpression {
            keyCondition = try ExpressionParser.condition(text, kind: .keyCondition, &context)
        } else if let legacy = input.keyConditions {
            keyCondition = try LegacyParameters.condition(ItemReads.expected(legacy), nil)
        }
        guard let keyCondition else {
            throw .validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        var filter: Condition?
        if let text = input.filterExpression {
            filter = try ExpressionParser.condition(text, kind: .filter, &context)
        } else if let legacy = input.queryFilter {
            filter = try LegacyParameters.condition(ItemReads.expected(legacy), input.conditionalOperator)
        }
        var projection = try input.projectionExpression.map { (t) throws(DynamoDBError) in try ExpressionParser.projection(t, &context) }
        if let names = input.attributesToGet { projection = names.map { DocumentPath(elements: [.name($0)]) } }
        try context.checkAllUsed()

        let table = try c.itemTable(input.tableName)
        var index: SecondaryIndex?
        if let name = input.indexName {
            guard let found = table.index(named: name) else {
                throw .validation("The table does not have the specified index: \(name)")
            }
            if found.isGlobal, input.consistentRead == true {
                throw .validation("Consistent reads are not supported on global secondary indexes")
            }
            index = found
        }
        try c.admit(table, index: index, read: true)
        let hashKey = index?.hash ?? table.hashKey, rangeKey = index == nil ? table.rangeKey : index?.range
        let (hash, range) = try keys(keyCondition, hash: hashKey, range: rangeKey)
        let reads = ItemReads(table: table, index: index,
                              select: try ItemReads.select(input.select, projected: projection != nil, index: index),
                              projection: projection, filter: filter)
        let start = try reads.start(input.exclusiveStartKey)
        let page = try c.storage {
            try reads.read(c.store, hash: hash, range: range, forward: input.scanIndexForward ?? true, from: start, limit: input.limit)
        }
        let units = Capacity.readUnits(bytes: page.bytes, consistent: input.consistentRead == true)
        return Output(items: reads.select == .COUNT ? nil : page.items, count: page.count, scannedCount: page.scanned,
                      lastEvaluatedKey: page.lastKey,
                      consumedCapacity: c.consumed(CapacityUse.read(units, index: index), table: table.name, read: true,
                                                   input.returnConsumedCapacity))
    }

    /// The partition (an equality on the hash key) and the sort-key range a key condition names.
    static func keys(_ condition: Condition, hash: KeyAttribute, range: KeyAttribute?) throws(DynamoDBError) -> ([UInt8], KeyRange?) {
        var parts: [Condition] = []
        var pending = [condition]
        while let next = pending.popLast() {
            if case .and(let a, let b) = next { pending += [b, a] } else { parts.append(next) }
        }
        let unsupported = DynamoDBError.validation("Query key condition not supported")
        guard parts.count <= 2 else {
            throw .validation("Invalid KeyConditionExpression: The expression contains too many conditions for the key schema")
        }
        var hashValue: [UInt8]?
        var rangeCondition: KeyRange?
        func attribute(_ operand: Operand) -> String? {
            if case .path(let p) = operand, p.elements.count == 1, case .name(let n) = p.elements[0] { return n }
            return nil
        }
        func bytes(_ operand: Operand, _ key: KeyAttribute) throws(DynamoDBError) -> [UInt8] {
            guard case .value(let v, _) = operand else { throw unsupported }
            guard AttributeValues.typeName(v) == key.type.rawValue else {
                throw .invalid("Condition parameter type does not match schema type")
            }
            return StoredKey.bytes(v)
        }
        for part in parts {
            switch part {
            case .compare(let op, let left, let right):
                guard let name = attribute(left) else { throw unsupported }
                if name == hash.name {
                    guard op == .equal, hashValue == nil else { throw unsupported }
                    hashValue = try bytes(right, hash)
                } else if let range, name == range.name, rangeCondition == nil {
                    let v = try bytes(right, range)
                    switch op {
                    case .equal: rangeCondition = .equal(v)
                    case .less: rangeCondition = .less(v)
                    case .lessOrEqual: rangeCondition = .lessOrEqual(v)
                    case .greater: rangeCondition = .greater(v)
                    case .greaterOrEqual: rangeCondition = .greaterOrEqual(v)
                    case .notEqual: throw .validation("Unsupported operator on KeyConditionExpression: operator: <>")
                    }
                } else {
                    throw unsupported
                }
            case .between(let subject, let low, let high):
                guard let range, attribute(subject) == range.name, rangeCondition == nil else { throw unsupported }
                let a = try bytes(low, range), b = try bytes(high, range)
                guard !b.lexicographicallyPrecedes(a) else {
                    throw .validation("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound")
                }
                rangeCondition = .between(a, b)
            case .beginsWith(let subject, let prefix):
                guard let range, attribute(subject) == range.name, rangeCondition == nil else { throw unsupported }
                guard range.type != .N else {
                    throw .validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
                }
                rangeCondition = .beginsWith(try bytes(prefix, range))
            default:
                throw unsupported
            }
        }
        guard let hashValue else { throw .validation("Query condition missed key schema element: \(hash.name)") }
        return (hashValue, rangeCondition)
    }
}
