import EddyWire

extension Table {
    static let maxHashKeyBytes = 2048
    static let maxRangeKeyBytes = 1024

    /// The key of an item being written: every key attribute present, of its defined type.
    func key(ofItem item: Item) throws(DynamoDBError) -> StoredKey {
        func value(_ attribute: KeyAttribute) throws(DynamoDBError) -> AttributeValue {
            guard let value = item[attribute.name] else { throw .invalid("Missing the key \(attribute.name) in the item") }
            let actual = AttributeValues.typeName(value)
            guard actual == attribute.type.rawValue else {
                throw .invalid("Type mismatch for key \(attribute.name) expected: \(attribute.type.rawValue) actual: \(actual)")
            }
            return value
        }
        let hash = try value(hashKey)
        let range = try rangeKey.map { (attribute) throws(DynamoDBError) in try value(attribute) }
        return try storedKey(hash: hash, range: range)
    }

    /// The key a request names (GetItem, DeleteItem …): exactly the key attributes.
    func key(named key: Item) throws(DynamoDBError) -> StoredKey {
        let mismatch = DynamoDBError.validation("The provided key element does not match the schema")
        guard key.count == (rangeKey == nil ? 1 : 2), let hash = key[hashKey.name],
              AttributeValues.typeName(hash) == hashKey.type.rawValue else { throw mismatch }
        var range: AttributeValue?
        if let rangeKey {
            guard let value = key[rangeKey.name], AttributeValues.typeName(value) == rangeKey.type.rawValue else { throw mismatch }
            range = value
        }
        return try storedKey(hash: hash, range: range)
    }

    private func storedKey(hash: AttributeValue, range: AttributeValue?) throws(DynamoDBError) -> StoredKey {
        for (attribute, value) in [(hashKey, Optional(hash)), (rangeKey, range)] {
            guard let attribute, let value else { continue }
            if value.s?.isEmpty == true || value.b?.isEmpty == true {
                throw .validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty \(value.s != nil ? "string" : "binary") value. Key: \(attribute.name)")
            }
        }
        if AttributeValues.size(of: hash) > Self.maxHashKeyBytes {
            throw .invalid("Size of hashkey has exceeded the maximum size limit of2048 bytes")
        }
        if let range, AttributeValues.size(of: range) > Self.maxRangeKeyBytes {
            throw .invalid("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
        }
        return StoredKey(hash: StoredKey.bytes(hash), range: range.map(StoredKey.bytes) ?? [])
    }

    /// The key attributes of an item, as a Key (for LastEvaluatedKey and change records).
    func keyAttributes(of item: Item) -> Item {
        Item([hashKey, rangeKey].compactMap { attribute in
            attribute.flatMap { a in item[a.name].map { (key: a.name, value: $0) } }
        })
    }
}
