import EddyWire

/// What Query and Scan share: reading pages of items in key order, stopping at Limit or after
/// 1 MB of evaluated items, filtering, projecting, and the key to continue from.
struct ItemReads {
    static let pageBytes = 1 << 20
    /// Rows read from the store at a time, so a large table is never held in memory.
    static let batch = 256

    let table: Table
    let index: SecondaryIndex?
    let select: DynamoDBAPI.Select
    let projection: [DocumentPath]?
    let filter: Condition?

    struct Page {
        var items: [Item] = []
        var count = 0
        var scanned = 0
        var bytes = 0
        var lastKey: Item?
    }

    /// The Select a request means, checked against the index.
    static func select(_ asked: DynamoDBAPI.Select?, projected: Bool, index: SecondaryIndex?) throws(DynamoDBError) -> DynamoDBAPI.Select {
        if let asked {
            if projected, asked != .SPECIFIC_ATTRIBUTES {
                throw .validation("Cannot specify the AttributesToGet or ProjectionExpression when choosing to get \(asked.rawValue)")
            }
            if asked == .SPECIFIC_ATTRIBUTES, !projected {
                throw .invalid("Select type SPECIFIC_ATTRIBUTES requires AttributesToGet or ProjectionExpression")
            }
            if asked == .ALL_PROJECTED_ATTRIBUTES, index == nil {
                throw .invalid("Select type ALL_PROJECTED_ATTRIBUTES is not supported on a table; it is only supported on an index")
            }
            if asked == .ALL_ATTRIBUTES, let index, index.isGlobal, index.projection.projectionType != .ALL {
                throw .invalid("Select type ALL_ATTRIBUTES is not supported for global secondary index \(index.name) because its projection type is not ALL")
            }
            return asked
        }
        return projected ? .SPECIFIC_ATTRIBUTES : (index == nil ? .ALL_ATTRIBUTES : .ALL_PROJECTED_ATTRIBUTES)
    }

    /// ExclusiveStartKey as the store's position: the table key, and the index key for an index.
    func start(_ key: Item?) throws(DynamoDBError) -> (key: StoredKey, indexKey: StoredKey?)? {
        guard let key else { return nil }
        let invalid = DynamoDBError.validation("The provided starting key is invalid: The provided key element does not match the schema")
        let checked = try AttributeValues.checked(key)
        var names = [table.hashKey.name] + (table.rangeKey.map { [$0.name] } ?? [])
        if let index { names += [index.hash.name] + (index.range.map { [$0.name] } ?? []) }
        guard checked.keys.allSatisfy(names.contains) else { throw invalid }
        let tableKey: StoredKey
        do {
            tableKey = try table.key(named: Item(checked.entries.filter { $0.key == table.hashKey.name || $0.key == table.rangeKey?.name }))
        } catch {
            throw invalid
        }
        guard let index else { return (tableKey, nil) }
        guard let indexKey = index.key(of: checked) else { throw invalid }
        return (tableKey, indexKey)
    }

    /// Reads until `limit` items are evaluated, 1 MB is passed or the rows run out.
    func read(_ store: TableStore, hash: [UInt8]?, range: KeyRange?, forward: Bool,
              from start: (key: StoredKey, indexKey: StoredKey?)?, limit: Int?,
              include: (StoredKey) -> Bool = { _ in true }) throws -> Page {
        var page = Page()
        var position = start
        var exhausted = false
        while !exhausted {
            let rows = try store.rows(table, index: index, hash: hash, range: range, forward: forward, after: position, limit: Self.batch)
            exhausted = rows.count < Self.batch
            for row in rows {
                position = (row.key, row.indexKey)
                guard include(row.key) else { continue }
                page.scanned += 1
                page.bytes += AttributeValues.size(of: row.item)
                let visible = index.map { i in select == .ALL_ATTRIBUTES ? row.item : i.projected(row.item, table: table) } ?? row.item
                if try filter.map({ try ExpressionEvaluator.matches($0, visible) }) ?? true {
                    page.count += 1
                    if select != .COUNT { page.items.append(projection.map { Projection.project(visible, $0) } ?? visible) }
                }
                if page.scanned == limit || page.bytes >= Self.pageBytes {
                    page.lastKey = lastEvaluatedKey(row.item)
                    // Known to be the last only when nothing follows it.
                    return page
                }
            }
        }
        return page
    }

    func lastEvaluatedKey(_ item: Item) -> Item {
        var names = [table.hashKey.name] + (table.rangeKey.map { [$0.name] } ?? [])
        if let index { names += [index.hash.name] + (index.range.map { [$0.name] } ?? []) }
        var seen = Set<String>()
        return Item(names.compactMap { name in
            guard seen.insert(name).inserted, let value = item[name] else { return nil }
            return (key: name, value: value)
        })
    }

    /// A legacy QueryFilter, ScanFilter or KeyConditions entry as an Expected one.
    static func expected(_ conditions: ShapeMap<DynamoDBAPI.Condition>) -> ShapeMap<DynamoDBAPI.ExpectedAttributeValue> {
        ShapeMap(conditions.entries.map { entry in
            (key: entry.key, value: DynamoDBAPI.ExpectedAttributeValue(comparisonOperator: entry.value.comparisonOperator,
                                                                       attributeValueList: entry.value.attributeValueList))
        })
    }
}
