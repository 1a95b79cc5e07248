import EddyWire

/// BatchWriteItem: up to 25 puts and deletes over any tables, each checked as PutItem and
/// DeleteItem check them, all checked before any is written; a provisioned table out of
/// capacity has its requests returned unprocessed.
extension DynamoDBAPI.BatchWriteItem: DynamoDBAction {
    static let maxRequests = 25

    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let total = input.requestItems.entries.reduce(0) { $0 + $1.value.count }
        guard total <= maxRequests else {
            throw .validation("Too many items requested for the BatchWriteItem call")
        }
        var writes: [(Table, StoredKey, Item?)] = []
        var unprocessed: [(key: String, value: [DynamoDBAPI.WriteRequest])] = []
        for (name, requests) in input.requestItems.entries {
            let table = try c.itemTable(name)
            try ItemRequests.refuseCollectionMetrics(input.returnItemCollectionMetrics, table)
            var keys = Set<StoredKey>()
            var tableWrites: [(Table, StoredKey, Item?)] = []
            for request in requests {
                let write: (StoredKey, Item?)
                switch (request.putRequest, request.deleteRequest) {
                case (let put?, nil):
                    let item = try AttributeValues.checked(put.item)
                    guard AttributeValues.size(of: item) <= AttributeValues.maxItemBytes else {
                        throw .validation("Item size has exceeded the maximum allowed size")
                    }
                    write = (try table.key(ofItem: item), item)
                case (nil, let delete?):
                    write = (try table.key(named: try AttributeValues.checked(delete.key)), nil)
                default:
                    throw .invalid("A WriteRequest must contain exactly one of PutRequest and DeleteRequest")
                }
                guard keys.insert(write.0).inserted else { throw .validation("Provided list of item keys contains duplicates") }
                tableWrites.append((table, write.0, write.1))
            }
            // A table without the capacity for its writes has them returned unprocessed, to be
            // retried.
            if c.admits(table, read: false) {
                writes += tableWrites
            } else {
                unprocessed.append((name, requests))
            }
        }
        // Only when no table has any capacity is the whole request refused.
        guard !(writes.isEmpty && !unprocessed.isEmpty) else { throw .throughputExceeded(index: false) }
        var units: [String: CapacityUse] = [:]
        for (table, key, item) in writes {
            let (old, _) = try c.change(table, key) { (_) throws(DynamoDBError) in item }
            units[table.name, default: CapacityUse(table: 0)] += Capacity.write(table, old: old, new: item)
        }
        let consumed = units.sorted { $0.key < $1.key }.compactMap {
            c.consumed($0.value, table: $0.key, read: false, input.returnConsumedCapacity)
        }
        return Output(unprocessedItems: ShapeMap(unprocessed), consumedCapacity: consumed.isEmpty ? nil : consumed)
    }
}
