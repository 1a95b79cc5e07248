import EddyWire

/// Scan: every item of the table or an index, in key order, or one segment of a parallel scan
/// (an item's segment follows from its partition key, so segments do not overlap).
extension DynamoDBAPI.Scan: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        try ItemRequests.refuseMixing(
            legacy: [("ScanFilter", input.scanFilter != nil), ("AttributesToGet", input.attributesToGet != nil),
                     ("ConditionalOperator", input.conditionalOperator != nil)],
            expressions: [("FilterExpression", input.filterExpression != nil), ("ProjectionExpression", input.projectionExpression != nil)])
        var context = try ItemRequests.context(
            names: input.expressionAttributeNames, values: input.expressionAttributeValues,
            expressions: [("FilterExpression", input.filterExpression), ("ProjectionExpression", input.projectionExpression)])
        var filter: Condition?
        if let text = input.filterExpression {
            filter = try ExpressionParser.condition(text, kind: .filter, &context)
        } else if let legacy = input.scanFilter {
            filter = try LegacyParameters.condition(ItemReads.expected(legacy), input.conditionalOperator)
        }
        var projection = try input.projectionExpression.map { (t) throws(DynamoDBError) in try ExpressionParser.projection(t, &context) }
        if let names = input.attributesToGet { projection = names.map { DocumentPath(elements: [.name($0)]) } }
        try context.checkAllUsed()

        switch (input.segment, input.totalSegments) {
        case (nil, nil): break
        case (nil, _?): throw .validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        case (_?, nil): throw .validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        case (let segment?, let total?):
            guard segment < total else {
                throw .validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: \(segment) is not less than TotalSegments: \(total)")
            }
        }
        let table = try c.itemTable(input.tableName)
        var index: SecondaryIndex?
        if let name = input.indexName {
            guard let found = table.index(named: name) else { throw .validation("The table does not have the specified index: \(name)") }
            if found.isGlobal, input.consistentRead == true {
                throw .validation("Consistent reads are not supported on global secondary indexes")
            }
            index = found
        }
        try c.admit(table, index: index, read: true)
        let reads = ItemReads(table: table, index: index,
                              select: try ItemReads.select(input.select, projected: projection != nil, index: index),
                              projection: projection, filter: filter)
        let start = try reads.start(input.exclusiveStartKey)
        let segment = input.segment, total = input.totalSegments
        let page = try c.storage {
            try reads.read(c.store, hash: nil, range: nil, forward: true, from: start, limit: input.limit) { key in
                guard let segment, let total else { return true }
                return Self.segment(of: key.hash, total: total) == segment
            }
        }
        let units = Capacity.readUnits(bytes: page.bytes, consistent: input.consistentRead == true)
        return Output(items: reads.select == .COUNT ? nil : page.items, count: page.count, scannedCount: page.scanned,
                      lastEvaluatedKey: page.lastKey,
                      consumedCapacity: c.consumed(CapacityUse.read(units, index: index), table: table.name, read: true,
                                                   input.returnConsumedCapacity))
    }

    /// FNV-1a of the partition key's bytes, so every item of a partition is in one segment.
    static func segment(of hash: [UInt8], total: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in hash { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(h % UInt64(max(1, total)))
    }
}
