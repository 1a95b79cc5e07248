import EddyStorage
import EddyWire
import Synchronization

/// Tables and their items in one SQLite database. Items are keyed by their table and their key
/// bytes (`StoredKey`) and held as the JSON DynamoDB answers with, so a Query reads a key range
/// in order straight from the index. Every write is a committed transaction before it is
/// acknowledged.
final class TableStore: Sendable {
    let db: SQLiteDatabase
    private let tables: Mutex<[String: Table]>

    static func key(_ account: String, _ region: String, _ name: String) -> String { "\(account)|\(region)|\(name)" }

    init(path: String, durable: Bool) throws {
        db = try SQLiteDatabase(path: path, durable: durable)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS tables (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                table_id TEXT NOT NULL, definition BLOB NOT NULL, created_ms INTEGER NOT NULL,
                ttl_attribute TEXT, pitr INTEGER NOT NULL DEFAULT 0, destinations BLOB, UNIQUE (account, region, name));
            CREATE TABLE IF NOT EXISTS items (
                table_id INTEGER NOT NULL, hash BLOB NOT NULL, range BLOB NOT NULL, item BLOB NOT NULL, size INTEGER NOT NULL,
                PRIMARY KEY (table_id, hash, range)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS index_entries (
                table_id INTEGER NOT NULL, index_name TEXT NOT NULL, hash BLOB NOT NULL, range BLOB NOT NULL,
                item_hash BLOB NOT NULL, item_range BLOB NOT NULL, size INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (table_id, index_name, hash, range, item_hash, item_range)) WITHOUT ROWID;
            """)
        // Data directories from before index sizes were kept gain the column; their entries
        // count as size 0 until the item is next written.
        if try db.query("SELECT 1 FROM pragma_table_info('index_entries') WHERE name = 'size'").isEmpty {
            try db.execute("ALTER TABLE index_entries ADD COLUMN size INTEGER NOT NULL DEFAULT 0")
        }
        var loaded: [String: Table] = [:]
        for row in try db.query("SELECT id, account, region, name, table_id, definition, created_ms, ttl_attribute, pitr, destinations FROM tables") {
            let account = try row.text(1), region = try row.text(2), name = try row.text(3)
            guard let bytes = row.blob(5), let tree = try? JSONParser.parse(bytes),
                  let definition = try? DynamoDBAPI.CreateTableInput.decode(tree, style: .json) else {
                throw StorageError("table \(name) has an unreadable definition")
            }
            var destinations: [DynamoDBAPI.KinesisDataStreamDestination] = []
            if let stored = row.blob(9), case .array(let entries)? = try? JSONParser.parse(stored) {
                destinations = entries.compactMap { try? DynamoDBAPI.KinesisDataStreamDestination.decode($0, style: .json) }
            }
            loaded[Self.key(account, region, name)] = Table(id: try row.integer(0), account: account, region: region, name: name,
                                                            tableId: try row.text(4), definition: definition,
                                                            createdMillis: try row.integer(6), timeToLiveAttribute: row.optionalText(7),
                                                            pointInTimeRecovery: row.optionalInteger(8) == 1,
                                                            kinesisDestinations: destinations)
        }
        tables = Mutex(loaded)
    }

    func table(_ account: String, _ region: String, _ name: String) -> Table? {
        tables.withLock { $0[Self.key(account, region, name)] }
    }

    func allTables() -> [Table] { tables.withLock { Array($0.values) } }

    func all(_ account: String, _ region: String) -> [Table] {
        tables.withLock { $0.values.filter { $0.account == account && $0.region == region } }
    }

    /// Stores a new table; nil when one of that name exists.
    func create(account: String, region: String, name: String, tableId: String, definition: DynamoDBAPI.CreateTableInput,
                now: Int64) throws -> Table? {
        try tables.withLock { all -> Table? in
            let key = Self.key(account, region, name)
            guard all[key] == nil else { return nil }
            let rows = try db.query(
                "INSERT INTO tables (account, region, name, table_id, definition, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [.text(account), .text(region), .text(name), .text(tableId), .blob(definition.jsonBytes()), .integer(now)])
            let table = Table(id: try rows.returnedInteger(), account: account, region: region, name: name,
                              tableId: tableId, definition: definition, createdMillis: now)
            all[key] = table
            return table
        }
    }

    /// Stores a table's changed definition and settings.
    func save(_ table: Table) throws {
        try tables.withLock { all in
            var w = JSONWriter()
            w.beginArray()
            for destination in table.kinesisDestinations { destination.encode(json: &w) }
            w.endArray()
            try db.query("UPDATE tables SET definition = ?, ttl_attribute = ?, pitr = ?, destinations = ? WHERE id = ?",
                         [.blob(table.definition.jsonBytes()), table.timeToLiveAttribute.map { .text($0) } ?? .null,
                          .integer(table.pointInTimeRecovery ? 1 : 0), .blob(w.bytes), .integer(table.id)])
            all[Self.key(table.account, table.region, table.name)] = table
        }
    }

    /// Adds every item with the index's key attributes to a new index, a page at a time.
    func backfill(_ table: Table, _ index: SecondaryIndex) throws {
        var after: (key: StoredKey, indexKey: StoredKey?)?
        while true {
            let rows = try self.rows(table, index: nil, hash: nil, range: nil, forward: true, after: after, limit: 256)
            try db.transaction { t in
                for row in rows {
                    // Read again inside the transaction: a write since the page was read keeps
                    // its own index entry right, and this must not undo it.
                    guard let stored = try t.query("SELECT item FROM items WHERE table_id = ? AND hash = ? AND range = ?",
                                                   [.integer(table.id), .blob(row.key.hash), .blob(row.key.range)]).first?.blob(0),
                          case let item = try Self.decode(stored), let indexKey = index.key(of: item) else { continue }
                    try Writer(transaction: t).insert(table, index, indexKey, item: item, key: row.key)
                }
            }
            guard let last = rows.last, rows.count == 256 else { return }
            after = (last.key, nil)
        }
    }

    func dropIndex(_ table: Table, _ name: String) throws {
        try db.query("DELETE FROM index_entries WHERE table_id = ? AND index_name = ?", [.integer(table.id), .text(name)])
    }

    func delete(_ table: Table) throws {
        try tables.withLock { all in
            try db.transaction { t in
                try t.query("DELETE FROM items WHERE table_id = ?", [.integer(table.id)])
                try t.query("DELETE FROM index_entries WHERE table_id = ?", [.integer(table.id)])
                try t.query("DELETE FROM tables WHERE id = ?", [.integer(table.id)])
            }
            all[Self.key(table.account, table.region, table.name)] = nil
        }
    }

    /// Item counts and bytes of the table and each of its indexes, as DescribeTable reports them.
    func usage(_ table: Table) throws -> TableUsage {
        let row = try db.query("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM items WHERE table_id = ?", [.integer(table.id)]).first
        var usage = TableUsage(items: row?.first?.int ?? 0, bytes: row?.dropFirst().first?.int ?? 0)
        for row in try db.query("SELECT index_name, COUNT(*), COALESCE(SUM(size), 0) FROM index_entries WHERE table_id = ? GROUP BY index_name",
                                [.integer(table.id)]) {
            usage.indexes[try row.text(0)] = (try row.integer(1), try row.integer(2))
        }
        return usage
    }

    func item(_ table: Table, _ key: StoredKey) throws -> Item? {
        let rows = try db.query("SELECT item FROM items WHERE table_id = ? AND hash = ? AND range = ?",
                                [.integer(table.id), .blob(key.hash), .blob(key.range)])
        guard let bytes = rows.first?.blob(0) else { return nil }
        return try Self.decode(bytes)
    }

    /// Reads the item under `key` and writes what `change` makes of it (nil deletes), in one
    /// transaction, so that a condition is checked against the item it replaces. A throwing
    /// `change` writes nothing.
    func change(_ table: Table, _ key: StoredKey, _ change: (Item?) throws -> Item?) throws -> (old: Item?, new: Item?) {
        try db.transaction { t in try Writer(transaction: t).change(table, key, change) }
    }

    /// Several changes in one transaction (TransactWriteItems): all are written or none.
    func transaction<T>(_ body: (Writer) throws -> T) throws -> T {
        try db.transaction { t in try body(Writer(transaction: t)) }
    }

    /// Item reads and writes inside one transaction, keeping the indexes in step.
    struct Writer {
        let transaction: SQLiteDatabase.Transaction

        func item(_ table: Table, _ key: StoredKey) throws -> Item? {
            try transaction.query("SELECT item FROM items WHERE table_id = ? AND hash = ? AND range = ?",
                                  [.integer(table.id), .blob(key.hash), .blob(key.range)]).first?.blob(0).map(TableStore.decode)
        }

        func change(_ table: Table, _ key: StoredKey, _ change: (Item?) throws -> Item?) throws -> (old: Item?, new: Item?) {
            let t = transaction
            let old = try item(table, key)
            let item = try change(old)
            for index in table.indexes {
                let before = old.flatMap(index.key(of:)), after = item.flatMap(index.key(of:))
                if let before, before != after {
                    try t.query("DELETE FROM index_entries WHERE table_id = ? AND index_name = ? AND hash = ? AND range = ? AND item_hash = ? AND item_range = ?",
                                [.integer(table.id), .text(index.name), .blob(before.hash), .blob(before.range), .blob(key.hash), .blob(key.range)])
                }
                // Written even when the index key is unchanged: the entry's size follows the item.
                if let after, let item { try insert(table, index, after, item: item, key: key) }
            }
            if let item {
                try t.query("INSERT OR REPLACE INTO items (table_id, hash, range, item, size) VALUES (?, ?, ?, ?, ?)",
                            [.integer(table.id), .blob(key.hash), .blob(key.range), .blob(TableStore.encode(item)),
                             .integer(Int64(AttributeValues.size(of: item)))])
            } else if old != nil {
                try t.query("DELETE FROM items WHERE table_id = ? AND hash = ? AND range = ?",
                            [.integer(table.id), .blob(key.hash), .blob(key.range)])
            }
            return (old, item)
        }

        func insert(_ table: Table, _ index: SecondaryIndex, _ indexKey: StoredKey, item: Item, key: StoredKey) throws {
            try transaction.query(
                "INSERT OR REPLACE INTO index_entries (table_id, index_name, hash, range, item_hash, item_range, size) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.integer(table.id), .text(index.name), .blob(indexKey.hash), .blob(indexKey.range), .blob(key.hash), .blob(key.range),
                 .integer(index.entrySize(of: item, table: table))])
        }
    }

    /// A stored item with its key (and its key in the index read, if one is).
    struct Row {
        let key: StoredKey
        let indexKey: StoredKey?
        let item: Item
    }

    /// At most `limit` items, in key order: of one partition (`hash`), or of the whole table
    /// (a Scan, `hash` nil), with the sort key within `range`, after `start`.
    func rows(_ table: Table, index: SecondaryIndex?, hash: [UInt8]?, range: KeyRange?, forward: Bool,
              after start: (key: StoredKey, indexKey: StoredKey?)?, limit: Int) throws -> [Row] {
        var sql: String
        var parameters: [SQLiteValue] = [.integer(table.id)]
        let order = forward ? "ASC" : "DESC"
        let later = forward ? ">" : "<"
        let rangeColumn: String
        if let index {
            sql = "SELECT i.hash, i.range, e.hash, e.range, i.item FROM index_entries e JOIN items i ON i.table_id = e.table_id AND i.hash = e.item_hash AND i.range = e.item_range WHERE e.table_id = ? AND e.index_name = ?"
            parameters.append(.text(index.name))
            rangeColumn = "e.range"
            if let hash { sql += " AND e.hash = ?"; parameters.append(.blob(hash)) }
        } else {
            sql = "SELECT hash, range, NULL, NULL, item FROM items WHERE table_id = ?"
            rangeColumn = "range"
            if let hash { sql += " AND hash = ?"; parameters.append(.blob(hash)) }
        }
        if let range {
            let (condition, values) = range.sql(rangeColumn)
            sql += " AND " + condition
            parameters += values.map { .blob($0) }
        }
        if let start {
            if index != nil, let indexKey = start.indexKey {
                sql += hash == nil
                    ? " AND (e.hash, e.range, e.item_hash, e.item_range) \(later) (?, ?, ?, ?)"
                    : " AND (e.range, e.item_hash, e.item_range) \(later) (?, ?, ?)"
                if hash == nil { parameters.append(.blob(indexKey.hash)) }
                parameters += [.blob(indexKey.range), .blob(start.key.hash), .blob(start.key.range)]
            } else if hash == nil {
                sql += " AND (hash, range) \(later) (?, ?)"
                parameters += [.blob(start.key.hash), .blob(start.key.range)]
            } else {
                sql += " AND range \(later) ?"
                parameters.append(.blob(start.key.range))
            }
        }
        if index != nil {
            sql += hash == nil ? " ORDER BY e.hash \(order), e.range \(order), e.item_hash \(order), e.item_range \(order)"
                               : " ORDER BY e.range \(order), e.item_hash \(order), e.item_range \(order)"
        } else {
            sql += hash == nil ? " ORDER BY hash \(order), range \(order)" : " ORDER BY range \(order)"
        }
        sql += " LIMIT ?"
        parameters.append(.integer(Int64(max(0, limit))))
        return try db.query(sql, parameters).map { row in
            let indexKey: StoredKey? = index == nil ? nil : StoredKey(hash: row.blob(2) ?? [], range: row.blob(3) ?? [])
            return Row(key: StoredKey(hash: row.blob(0) ?? [], range: row.blob(1) ?? []), indexKey: indexKey,
                       item: try Self.decode(row.blob(4) ?? []))
        }
    }

    func reset() throws {
        try tables.withLock { all in
            try db.execute("DELETE FROM index_entries; DELETE FROM items; DELETE FROM tables;")
            all = [:]
        }
    }

    static func encode(_ item: Item) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        for (name, value) in item.entries {
            w.key(name)
            value.encode(json: &w)
        }
        w.endObject()
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> Item {
        let tree = try JSONParser.parse(bytes)
        guard case .object(let object) = tree else { throw StorageError("a stored item is not an object") }
        var entries: [(key: String, value: AttributeValue)] = []
        for (name, value) in object.members {
            entries.append((name, try AttributeValue.decode(value, style: .json)))
        }
        return Item(entries)
    }
}
