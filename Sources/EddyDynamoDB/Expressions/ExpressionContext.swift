import EddyWire

/// Which expression is parsed, for DynamoDB's messages (`Invalid UpdateExpression: …`).
enum ExpressionKind: String, Sendable {
    case condition = "ConditionExpression"
    case update = "UpdateExpression"
    case projection = "ProjectionExpression"
    case keyCondition = "KeyConditionExpression"
    case filter = "FilterExpression"
}

/// The substitutions an expression draws on (`#name`, `:value`), and which of them were used:
/// DynamoDB refuses a request that defines one no expression uses.
struct ExpressionContext {
    let names: ShapeMap<String>
    let values: ShapeMap<AttributeValue>
    private(set) var usedNames = Set<String>()
    private(set) var usedValues = Set<String>()

    init(names: ShapeMap<String>?, values: ShapeMap<AttributeValue>?) {
        self.names = names ?? ShapeMap()
        self.values = values ?? ShapeMap()
    }

    mutating func name(_ token: String, _ kind: ExpressionKind) throws(DynamoDBError) -> String {
        guard let name = names[token] else {
            throw .validation("Invalid \(kind.rawValue): An expression attribute name used in the document path is not defined; attribute name: \(token)")
        }
        usedNames.insert(token)
        return name
    }

    mutating func value(_ token: String, _ kind: ExpressionKind) throws(DynamoDBError) -> AttributeValue {
        guard let value = values[token] else {
            throw .validation("Invalid \(kind.rawValue): An expression attribute value used in expression is not defined; attribute value: \(token)")
        }
        usedValues.insert(token)
        return value
    }

    /// After every expression of the request is parsed.
    func checkAllUsed() throws(DynamoDBError) {
        let unusedNames = names.keys.filter { !usedNames.contains($0) }
        if !unusedNames.isEmpty {
            throw .validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.joined(separator: ", "))}")
        }
        let unusedValues = values.keys.filter { !usedValues.contains($0) }
        if !unusedValues.isEmpty {
            throw .validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.joined(separator: ", "))}")
        }
    }
}
