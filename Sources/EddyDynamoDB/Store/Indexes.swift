import EddyWire

/// A secondary index as the store keeps it: its key attributes and what it projects.
/// Item counts and bytes of a table and of its indexes (by name).
struct TableUsage {
    var items: Int64
    var bytes: Int64
    var indexes: [String: (items: Int64, bytes: Int64)] = [:]
}

struct SecondaryIndex: Sendable {
    let name: String
    let hash: KeyAttribute
    let range: KeyAttribute?
    let projection: DynamoDBAPI.Projection
    let isGlobal: Bool
}

extension Table {
    var indexes: [SecondaryIndex] {
        let definitions = definition.attributeDefinitions ?? []
        func attribute(_ schema: [DynamoDBAPI.KeySchemaElement], _ type: DynamoDBAPI.KeyType) -> KeyAttribute? {
            guard let name = schema.first(where: { $0.keyType == type })?.attributeName,
                  let defined = definitions.first(where: { $0.attributeName == name }) else { return nil }
            return KeyAttribute(name: name, type: defined.attributeType)
        }
        var out: [SecondaryIndex] = []
        for index in definition.globalSecondaryIndexes ?? [] {
            guard let hash = attribute(index.keySchema, .HASH) else { continue }
            out.append(SecondaryIndex(name: index.indexName, hash: hash, range: attribute(index.keySchema, .RANGE),
                                      projection: index.projection, isGlobal: true))
        }
        for index in definition.localSecondaryIndexes ?? [] {
            guard let hash = attribute(index.keySchema, .HASH) else { continue }
            out.append(SecondaryIndex(name: index.indexName, hash: hash, range: attribute(index.keySchema, .RANGE),
                                      projection: index.projection, isGlobal: false))
        }
        return out
    }

    func index(named name: String) -> SecondaryIndex? { indexes.first { $0.name == name } }
}

extension SecondaryIndex {
    /// The item's key in this index, or nil when the item lacks an index key attribute (or has
    /// it with another type): such an item is not in the index, as in DynamoDB.
    func key(of item: Item) -> StoredKey? {
        guard let h = item[hash.name], AttributeValues.typeName(h) == hash.type.rawValue else { return nil }
        var range: [UInt8] = []
        if let r = self.range {
            guard let v = item[r.name], AttributeValues.typeName(v) == r.type.rawValue else { return nil }
            range = StoredKey.bytes(v)
        }
        return StoredKey(hash: StoredKey.bytes(h), range: range)
    }

    /// The bytes an item takes in the index, as DynamoDB counts them: its projected attributes
    /// (which include both keys) and 100 bytes of overhead per entry.
    func entrySize(of item: Item, table: Table) -> Int64 {
        Int64(AttributeValues.size(of: projected(item, table: table))) + 100
    }

    /// What a read through the index answers of an item.
    func projected(_ item: Item, table: Table) -> Item {
        let type = projection.projectionType ?? .ALL
        guard type != .ALL else { return item }
        var names: Set<String> = [table.hashKey.name, hash.name]
        if let r = table.rangeKey { names.insert(r.name) }
        if let r = range { names.insert(r.name) }
        if type == .INCLUDE { names.formUnion(projection.nonKeyAttributes ?? []) }
        return Item(item.entries.filter { names.contains($0.key) })
    }
}
