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

    /// What writing `new` over `old` costs the table and each secondary index, as DynamoDB
    /// charges indexes: an entry put or deleted is one write of its projected size, a changed
    /// index key two (delete and put), an entry whose projection changed one, and an item that
    /// is in the index neither before nor after nothing.
    static func write(_ table: Table, old: Item?, new: Item?, multiplier: Double = 1) -> CapacityUse {
        let bytes = max(old.map(AttributeValues.size(of:)) ?? 0, new.map(AttributeValues.size(of:)) ?? 0)
        var use = CapacityUse(table: multiplier * writeUnits(bytes: bytes))
        for index in table.indexes {
            let before = old.flatMap { item in index.key(of: item).map { _ in index.projected(item, table: table) } }
            let after = new.flatMap { item in index.key(of: item).map { _ in index.projected(item, table: table) } }
            var units = 0.0
            switch (before, after) {
            case (nil, nil):
                continue
            case (let b?, nil):
                units = writeUnits(bytes: AttributeValues.size(of: b))
            case (nil, let a?):
                units = writeUnits(bytes: AttributeValues.size(of: a))
            case (let b?, let a?):
                if index.key(of: b) != index.key(of: a) {
                    units = writeUnits(bytes: AttributeValues.size(of: b)) + writeUnits(bytes: AttributeValues.size(of: a))
                } else if b != a {
                    units = writeUnits(bytes: max(AttributeValues.size(of: b), AttributeValues.size(of: a)))
                } else {
                    continue
                }
            }
            use.add(index: index, units: multiplier * units)
        }
        return use
    }

    /// The ConsumedCapacity member of an answer, when the request asked for it.
    static func consumed(_ use: CapacityUse, table: String, read: Bool,
                         _ asked: DynamoDBAPI.ReturnConsumedCapacity?) -> DynamoDBAPI.ConsumedCapacity? {
        func capacity(_ units: Double) -> DynamoDBAPI.Capacity {
            DynamoDBAPI.Capacity(readCapacityUnits: read ? units : nil, writeCapacityUnits: read ? nil : units, capacityUnits: units)
        }
        let total = use.total
        switch asked {
        case nil, .NONE?:
            return nil
        case .TOTAL?:
            return DynamoDBAPI.ConsumedCapacity(tableName: table, capacityUnits: total,
                                                readCapacityUnits: read ? total : nil, writeCapacityUnits: read ? nil : total)
        case .INDEXES?:
            func indexes(global: Bool) -> ShapeMap<DynamoDBAPI.Capacity>? {
                let entries = use.indexes.filter { $0.isGlobal == global }
                return entries.isEmpty ? nil : ShapeMap(entries.map { (key: $0.name, value: capacity($0.units)) })
            }
            return DynamoDBAPI.ConsumedCapacity(tableName: table, capacityUnits: total,
                                                readCapacityUnits: read ? total : nil, writeCapacityUnits: read ? nil : total,
                                                table: capacity(use.table), localSecondaryIndexes: indexes(global: false),
                                                globalSecondaryIndexes: indexes(global: true))
        }
    }
}

/// Units one request consumed, of the table and of each secondary index it touched.
struct CapacityUse {
    var table: Double
    var indexes: [(name: String, isGlobal: Bool, units: Double)] = []

    var total: Double { indexes.reduce(table) { $0 + $1.units } }

    /// A read through an index is charged to the index.
    static func read(_ units: Double, index: SecondaryIndex?) -> CapacityUse {
        guard let index else { return CapacityUse(table: units) }
        return CapacityUse(table: 0, indexes: [(index.name, index.isGlobal, units)])
    }

    mutating func add(index: SecondaryIndex, units: Double) {
        if let at = indexes.firstIndex(where: { $0.name == index.name }) {
            indexes[at].units += units
        } else {
            indexes.append((index.name, index.isGlobal, units))
        }
    }

    static func += (lhs: inout CapacityUse, rhs: CapacityUse) {
        lhs.table += rhs.table
        for entry in rhs.indexes {
            if let at = lhs.indexes.firstIndex(where: { $0.name == entry.name }) {
                lhs.indexes[at].units += entry.units
            } else {
                lhs.indexes.append(entry)
            }
        }
    }
}
