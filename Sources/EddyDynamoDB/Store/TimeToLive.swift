import EddyWire

/// Expired items removed as DynamoDB's time to live removes them: an item whose TTL attribute
/// is a number of epoch seconds in the past (but not more than five years past, which DynamoDB
/// leaves alone) is deleted, with its index entries.
enum TimeToLive {
    static let ignoredAfterSeconds: Int64 = 5 * 365 * 24 * 3600

    static func expired(_ item: Item?, attribute: String, nowSeconds: Int64) -> Bool {
        guard let text = item?[attribute]?.n, let number = try? DynamoNumber(parsing: text), !number.negative else { return false }
        // Whole seconds: the digits before the point, when there are few enough to be a time.
        guard number.exponent <= 12 else { return false }
        var seconds: Int64 = 0
        for i in 0..<max(0, number.exponent) {
            seconds = seconds * 10 + Int64(i < number.digits.count ? number.digits[i] : 0)
        }
        return seconds <= nowSeconds && seconds >= nowSeconds - ignoredAfterSeconds
    }

    /// One pass over every table with time to live on; returns how many items went.
    static func sweep(_ store: TableStore, nowMillis: Int64, deleted removed: (Table, Item) -> Void = { _, _ in }) throws -> Int {
        let now = nowMillis / 1000
        var deleted = 0
        for table in store.allTables() {
            guard let attribute = table.timeToLiveAttribute else { continue }
            var after: (key: StoredKey, indexKey: StoredKey?)?
            while true {
                let rows = try store.rows(table, index: nil, hash: nil, range: nil, forward: true, after: after, limit: 256)
                for row in rows where expired(row.item, attribute: attribute, nowSeconds: now) {
                    // Still expired when deleted: a write may have just given it a new time.
                    let result = try store.change(table, row.key) { current in
                        expired(current, attribute: attribute, nowSeconds: now) ? nil : current
                    }
                    if let old = result.old, result.new == nil {
                        deleted += 1
                        removed(table, old)
                    }
                }
                guard let last = rows.last, rows.count == 256 else { break }
                after = (last.key, nil)
            }
        }
        return deleted
    }
}
