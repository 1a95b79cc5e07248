import EddyWire

/// Capacity units as DynamoDB counts them: a write costs one unit per KB of the larger of the
/// old and new item, a strongly consistent read one per 4 KB (at least one), an eventually
/// consistent read half that.
enum Capacity {
    static func writeUnits(bytes: Int) -> Double { Double(max(1, (bytes + 1023) / 1024)) }

    static func readUnits(bytes: Int, consistent: Bool) -> Double {
        let units = Double(max(1, (bytes + 4095) / 4096))
        return consistent ? units : units / 2
    }

    /// The ConsumedCapacity member of an answer, when the request asked for it.
    static func consumed(_ units: Double, table: String, read: Bool,
                         _ asked: DynamoDBAPI.ReturnConsumedCapacity?) -> DynamoDBAPI.ConsumedCapacity? {
        switch asked {
        case nil, .NONE?:
            return nil
        case .TOTAL?:
            return DynamoDBAPI.ConsumedCapacity(tableName: table, capacityUnits: units,
                                                readCapacityUnits: read ? units : nil, writeCapacityUnits: read ? nil : units)
        case .INDEXES?:
            return DynamoDBAPI.ConsumedCapacity(tableName: table, capacityUnits: units,
                                                readCapacityUnits: read ? units : nil, writeCapacityUnits: read ? nil : units,
                                                table: DynamoDBAPI.Capacity(readCapacityUnits: read ? units : nil,
                                                                            writeCapacityUnits: read ? nil : units, capacityUnits: units))
        }
    }
}
