import EddyWire

typealias TableStatus = DynamoDBAPI.TableStatus
typealias ScalarAttributeType = DynamoDBAPI.ScalarAttributeType

/// A key attribute of a table: its name and scalar type.
struct KeyAttribute: Sendable, Equatable {
    let name: String
    let type: ScalarAttributeType
}

/// A table: what CreateTable asked for (checked, defaults filled in), its identity and state.
struct Table: Sendable {
    var id: Int64
    var account: String
    var region: String
    var name: String
    /// DynamoDB's TableId, a UUID.
    var tableId: String
    var definition: DynamoDBAPI.CreateTableInput
    var createdMillis: Int64
    /// The attribute holding items' expiry times, while time to live is enabled.
    var timeToLiveAttribute: String? = nil
    var pointInTimeRecovery = false
    /// Kinesis streams receiving the table's changes (EnableKinesisStreamingDestination).
    var kinesisDestinations: [DynamoDBAPI.KinesisDataStreamDestination] = []

    var streamsChanges: Bool { kinesisDestinations.contains { $0.destinationStatus == .ACTIVE } }

    var arn: String { "arn:aws:dynamodb:\(region):\(account):table/\(name)" }

    var hashKey: KeyAttribute { Self.keys(of: definition).hash }
    var rangeKey: KeyAttribute? { Self.keys(of: definition).range }

    /// CREATING for a moment after CreateTable, as clients wait for ACTIVE.
    func status(now: Int64, createMillis: Int64) -> TableStatus {
        now >= createdMillis + createMillis ? .ACTIVE : .CREATING
    }

    /// The key attributes of a checked definition (CreateTable refuses one without a HASH key
    /// defined in its AttributeDefinitions).
    static func keys(of definition: DynamoDBAPI.CreateTableInput) -> (hash: KeyAttribute, range: KeyAttribute?) {
        let schema = definition.keySchema ?? []
        let definitions = definition.attributeDefinitions ?? []
        func attribute(_ type: DynamoDBAPI.KeyType) -> KeyAttribute? {
            guard let name = schema.first(where: { $0.keyType == type })?.attributeName,
                  let defined = definitions.first(where: { $0.attributeName == name }) else { return nil }
            return KeyAttribute(name: name, type: defined.attributeType)
        }
        return (attribute(.HASH) ?? KeyAttribute(name: "", type: .S), attribute(.RANGE))
    }
}

/// An item's primary key as stored: each key value as bytes that sort as DynamoDB orders them
/// (strings and binary by their bytes, numbers by value); `range` is empty without a sort key.
struct StoredKey: Sendable, Hashable {
    let hash: [UInt8]
    let range: [UInt8]

    static func bytes(_ value: AttributeValue) -> [UInt8] {
        if let s = value.s { return Array(s.utf8) }
        if let b = value.b { return b }
        if let n = value.n, let number = try? DynamoNumber(parsing: n) { return number.orderedBytes }
        return []
    }
}
