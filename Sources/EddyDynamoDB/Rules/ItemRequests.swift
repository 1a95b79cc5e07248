import EddyWire

/// What the item operations share: their expressions (or the legacy parameters) parsed once,
/// with DynamoDB's rules on how they combine.
enum ItemRequests {
    /// The substitutions, with their values checked as any attribute value.
    static func context(names: ShapeMap<String>?, values: ShapeMap<AttributeValue>?,
                        expressions: [(name: String, text: String?)]) throws(DynamoDBError) -> ExpressionContext {
        if expressions.allSatisfy({ $0.text == nil }) {
            let null = expressions.map(\.name).joined(separator: " and ") + (expressions.count > 1 ? " are null" : " is null")
            if values != nil { throw .validation("ExpressionAttributeValues can only be specified when using expressions: \(null)") }
            if names != nil { throw .validation("ExpressionAttributeNames can only be specified when using expressions") }
        }
        if let values, values.isEmpty { throw .validation("ExpressionAttributeValues must not be empty") }
        if let names, names.isEmpty { throw .validation("ExpressionAttributeNames must not be empty") }
        return ExpressionContext(names: names, values: try values.map { (v) throws(DynamoDBError) in try AttributeValues.checked(v) })
    }

    /// The request mixes expression and legacy parameters.
    static func refuseMixing(legacy: [(String, Bool)], expressions: [(String, Bool)]) throws(DynamoDBError) {
        let old = legacy.filter(\.1).map(\.0), new = expressions.filter(\.1).map(\.0)
        guard old.isEmpty || new.isEmpty else {
            throw .validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {\(old.joined(separator: ", "))} Expression parameters: {\(new.joined(separator: ", "))}")
        }
    }

    static func condition(expression: String?, expected: ShapeMap<DynamoDBAPI.ExpectedAttributeValue>?,
                          conditionalOperator: DynamoDBAPI.ConditionalOperator?,
                          _ context: inout ExpressionContext) throws(DynamoDBError) -> Condition? {
        if let expression { return try ExpressionParser.condition(expression, &context) }
        if conditionalOperator != nil, expected == nil {
            throw .validation("ConditionalOperator can only be used when Filter or Expected has two or more elements")
        }
        return try expected.flatMap { (e) throws(DynamoDBError) in try LegacyParameters.condition(e, conditionalOperator) }
    }

    /// A single-item write's condition (PutItem, DeleteItem): ConditionExpression with its
    /// substitutions, or the legacy Expected and ConditionalOperator, never both.
    static func writeCondition(expression: String?, expected: ShapeMap<DynamoDBAPI.ExpectedAttributeValue>?,
                               conditionalOperator: DynamoDBAPI.ConditionalOperator?, names: ShapeMap<String>?,
                               values: ShapeMap<AttributeValue>?) throws(DynamoDBError) -> Condition? {
        try refuseMixing(legacy: [("Expected", expected != nil), ("ConditionalOperator", conditionalOperator != nil)],
                         expressions: [("ConditionExpression", expression != nil)])
        var context = try self.context(names: names, values: values, expressions: [("ConditionExpression", expression)])
        let parsed = try condition(expression: expression, expected: expected, conditionalOperator: conditionalOperator, &context)
        try context.checkAllUsed()
        return parsed
    }

    /// Throws ConditionalCheckFailedException unless the condition holds for the item.
    static func check(_ condition: Condition?, _ item: Item?,
                      returning: DynamoDBAPI.ReturnValuesOnConditionCheckFailure?) throws(DynamoDBError) {
        guard let condition else { return }
        guard try ExpressionEvaluator.matches(condition, item) else {
            throw .conditionalCheckFailed(returning == .ALL_OLD ? item : nil)
        }
    }

    static func oldOrNone(_ returnValues: DynamoDBAPI.ReturnValue?) throws(DynamoDBError) -> DynamoDBAPI.ReturnValue {
        let value = returnValues ?? .NONE
        guard value == .NONE || value == .ALL_OLD else { throw .validation("Return values set to invalid value") }
        return value
    }

    /// Item collections exist only for tables with local secondary indexes.
    static func refuseCollectionMetrics(_ asked: DynamoDBAPI.ReturnItemCollectionMetrics?, _ table: Table) throws(DynamoDBError) {
        if asked == .SIZE, table.definition.localSecondaryIndexes?.isEmpty == false {
            throw .unsupported("item collection metrics (ReturnItemCollectionMetrics)")
        }
    }
}
