import EddyStorage

/// The SQLite tables behind Kinesis metadata: streams, their shards and tags, and the key that
/// signs shard iterators (kept so iterators stay valid across a restart).
struct StreamCatalog: Sendable {
    let db: SQLiteDatabase

    init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS streams (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                token INTEGER NOT NULL, mode TEXT NOT NULL,
                status TEXT NOT NULL, status_changed_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL,
                retention_hours INTEGER NOT NULL,
                encryption_type TEXT NOT NULL DEFAULT 'NONE', key_id TEXT,
                shard_level_metrics TEXT NOT NULL DEFAULT '',
                max_record_kib INTEGER NOT NULL DEFAULT 1024,
                warm_mibps INTEGER NOT NULL DEFAULT 0,
                UNIQUE (account, region, name));
            CREATE TABLE IF NOT EXISTS policies (resource_arn TEXT PRIMARY KEY, policy TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS shards (
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                idx INTEGER NOT NULL, parent INTEGER, adjacent_parent INTEGER,
                start_hash TEXT NOT NULL, end_hash TEXT NOT NULL,
                start_counter INTEGER NOT NULL, end_counter INTEGER, created_ms INTEGER NOT NULL, closed_ms INTEGER,
                PRIMARY KEY (stream_id, idx));
            CREATE TABLE IF NOT EXISTS consumers (
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                name TEXT NOT NULL, created_ms INTEGER NOT NULL, status TEXT NOT NULL, status_changed_ms INTEGER NOT NULL,
                PRIMARY KEY (stream_id, name));
            CREATE TABLE IF NOT EXISTS tags (
                stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
                position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (stream_id, key));
            """)
    }

    func iteratorKey() throws -> [UInt8] {
        if let key = try db.query("SELECT value FROM meta WHERE key = 'iterator-key'").first?.blob(0), key.count == 32 {
            return key
        }
        var key = [UInt8](repeating: 0, count: 32)
        for i in key.indices { key[i] = UInt8.random(in: 0...255) }
        try db.query("INSERT OR REPLACE INTO meta (key, value) VALUES ('iterator-key', ?)", [.blob(key)])
        return key
    }

    struct StoredStream {
        var id: Int64
        var key: StreamKey
        var token: UInt64
        var mode: StreamMode
        var status: StreamStatus
        var statusChanged: Int64
        var created: Int64
        var retentionHours: Int
        var encryptionType: EncryptionType
        var keyId: String?
        var metrics: [ShardLevelMetric]
        var maxRecordKiB: Int
        var tags: [Tag]
        var shards: [StoredShard]
        var consumers: [Consumer] = []
        var warmMiBps = 0
    }

    struct StoredShard {
        var index: Int
        var parent: Int?
        var adjacentParent: Int?
        var range: ClosedRange<UInt128>
        var startCounter: UInt64
        var endCounter: UInt64?
        var created: Int64
        var closed: Int64?
    }

    func loadAll() throws -> [StoredStream] {
        var streams: [Int64: StoredStream] = [:]
        for r in try db.query("""
            SELECT id, account, region, name, token, mode, status, status_changed_ms, created_ms, retention_hours,
                   encryption_type, key_id, shard_level_metrics, max_record_kib, warm_mibps FROM streams
            """) {
            let id = try r.integer(0)
            streams[id] = StoredStream(
                id: id, key: StreamKey(account: try r.text(1), region: try r.text(2), name: try r.text(3)),
                token: UInt64(clamping: try r.integer(4)), mode: StreamMode(rawValue: try r.text(5)) ?? .PROVISIONED,
                status: StreamStatus(rawValue: try r.text(6)) ?? .ACTIVE, statusChanged: try r.integer(7), created: try r.integer(8),
                retentionHours: Int(clamping: try r.integer(9)),
                encryptionType: r.optionalText(10).flatMap(EncryptionType.init(rawValue:)) ?? .NONE, keyId: r.optionalText(11),
                metrics: (r.optionalText(12) ?? "").split(separator: ",").compactMap { ShardLevelMetric(rawValue: String($0)) },
                maxRecordKiB: Int(clamping: r.optionalInteger(13) ?? 1024), tags: [], shards: [],
                warmMiBps: Int(clamping: r.optionalInteger(14) ?? 0))
        }
        for r in try db.query("SELECT stream_id, name, created_ms, status, status_changed_ms FROM consumers ORDER BY stream_id, created_ms") {
            streams[try r.integer(0)]?.consumers.append(Consumer(name: try r.text(1), createdMillis: try r.integer(2),
                                                                 storedStatus: StreamStatus(rawValue: try r.text(3)) ?? .ACTIVE,
                                                                 statusChangedMillis: try r.integer(4)))
        }
        for r in try db.query("SELECT stream_id, key, value FROM tags ORDER BY stream_id, position") {
            streams[try r.integer(0)]?.tags.append(Tag(key: try r.text(1), value: try r.text(2)))
        }
        for r in try db.query("""
            SELECT stream_id, idx, parent, adjacent_parent, start_hash, end_hash, start_counter, end_counter, created_ms, closed_ms
            FROM shards ORDER BY stream_id, idx
            """) {
            guard let start = UInt128(try r.text(4)), let end = UInt128(try r.text(5)), start <= end else { continue }
            streams[try r.integer(0)]?.shards.append(StoredShard(
                index: Int(clamping: try r.integer(1)), parent: r.optionalInteger(2).map { Int(clamping: $0) },
                adjacentParent: r.optionalInteger(3).map { Int(clamping: $0) }, range: start...end,
                startCounter: UInt64(clamping: try r.integer(6)), endCounter: r.optionalInteger(7).map { UInt64(clamping: $0) },
                created: try r.integer(8), closed: r.optionalInteger(9)))
        }
        return streams.values.sorted { $0.id < $1.id }
    }

    /// Inserts a new stream with its shards and tags; returns its id.
    func insert(_ s: StoredStream) throws -> Int64 {
        try db.transaction { tx in
            let row = try tx.query("""
                INSERT INTO streams (account, region, name, token, mode, status, status_changed_ms, created_ms, retention_hours,
                                     encryption_type, key_id, shard_level_metrics, max_record_kib)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [.text(s.key.account), .text(s.key.region), .text(s.key.name), .integer(Int64(s.token)),
                      .text(s.mode.rawValue), .text(s.status.rawValue), .integer(s.statusChanged), .integer(s.created),
                      .integer(Int64(s.retentionHours)), .text(s.encryptionType.rawValue), s.keyId.map { .text($0) } ?? .null,
                      .text(s.metrics.map(\.rawValue).joined(separator: ",")), .integer(Int64(s.maxRecordKiB))])
            let id = try row.returnedInteger()
            for shard in s.shards { try Self.insertShard(tx, stream: id, shard) }
            try Self.writeTags(tx, stream: id, s.tags)
            return id
        }
    }

    static func insertShard(_ tx: SQLiteDatabase.Transaction, stream: Int64, _ shard: StoredShard) throws {
        try tx.query("""
            INSERT INTO shards (stream_id, idx, parent, adjacent_parent, start_hash, end_hash, start_counter, end_counter, created_ms, closed_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(stream), .integer(Int64(shard.index)), shard.parent.map { .integer(Int64($0)) } ?? .null,
                  shard.adjacentParent.map { .integer(Int64($0)) } ?? .null,
                  .text(String(shard.range.lowerBound)), .text(String(shard.range.upperBound)),
                  .integer(Int64(shard.startCounter)), shard.endCounter.map { .integer(Int64($0)) } ?? .null,
                  .integer(shard.created), shard.closed.map { .integer($0) } ?? .null])
    }

    static func writeTags(_ tx: SQLiteDatabase.Transaction, stream: Int64, _ tags: [Tag]) throws {
        try tx.query("DELETE FROM tags WHERE stream_id = ?", [.integer(stream)])
        for (i, tag) in tags.enumerated() {
            try tx.query("INSERT INTO tags (stream_id, position, key, value) VALUES (?, ?, ?, ?)",
                         [.integer(stream), .integer(Int64(i)), .text(tag.key), .text(tag.value)])
        }
    }

    func setTags(stream: Int64, _ tags: [Tag]) throws {
        try db.transaction { tx in try Self.writeTags(tx, stream: stream, tags) }
    }

    /// Writes the stream's mutable settings (mode, state, retention, encryption, monitoring, limits).
    func saveSettings(_ s: Stream) throws {
        try db.query("UPDATE streams SET mode = ?, status = ?, status_changed_ms = ?, retention_hours = ?, encryption_type = ?, "
                     + "key_id = ?, shard_level_metrics = ?, max_record_kib = ?, warm_mibps = ? WHERE id = ?",
                     [.text(s.mode.rawValue), .text(s.storedStatus.rawValue), .integer(s.statusChangedMillis), .integer(Int64(s.retentionHours)),
                      .text(s.encryptionType.rawValue), s.keyId.map { .text($0) } ?? .null,
                      .text(s.shardLevelMetrics.map(\.rawValue).joined(separator: ",")),
                      .integer(Int64(s.maxRecordSizeKiB)), .integer(Int64(s.warmThroughputMiBps)), .integer(s.id)])
    }

    func policy(_ arn: String) throws -> String? {
        try db.query("SELECT policy FROM policies WHERE resource_arn = ?", [.text(arn)]).first?.optionalText(0)
    }

    func setPolicy(_ arn: String, _ policy: String?) throws {
        if let policy {
            try db.query("INSERT OR REPLACE INTO policies (resource_arn, policy) VALUES (?, ?)", [.text(arn), .text(policy)])
        } else {
            try db.query("DELETE FROM policies WHERE resource_arn = ?", [.text(arn)])
        }
    }

    func setting(_ key: String) throws -> [UInt8]? {
        try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.blob(0)
    }

    func setSetting(_ key: String, _ value: [UInt8]) throws {
        try db.query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [.text(key), .blob(value)])
    }

    func setConsumers(stream: Int64, _ consumers: [Consumer]) throws {
        try db.transaction { tx in
            try tx.query("DELETE FROM consumers WHERE stream_id = ?", [.integer(stream)])
            for c in consumers {
                try tx.query("INSERT INTO consumers (stream_id, name, created_ms, status, status_changed_ms) VALUES (?, ?, ?, ?, ?)",
                             [.integer(stream), .text(c.name), .integer(c.createdMillis), .text(c.storedStatus.rawValue),
                              .integer(c.statusChangedMillis)])
            }
        }
    }

    func setStatus(stream: Int64, _ status: StreamStatus, at millis: Int64) throws {
        try db.query("UPDATE streams SET status = ?, status_changed_ms = ? WHERE id = ?",
                     [.text(status.rawValue), .integer(millis), .integer(stream)])
    }

    func setRetention(stream: Int64, hours: Int) throws {
        try db.query("UPDATE streams SET retention_hours = ? WHERE id = ?", [.integer(Int64(hours)), .integer(stream)])
    }

    /// Closes `parents` at their end counters and adds `children`, with the stream UPDATING.
    func reshard(stream: Int64, closing parents: [(index: Int, endCounter: UInt64)], closedAt: Int64,
                 adding children: [StoredShard], status: StreamStatus) throws {
        try db.transaction { tx in
            for p in parents {
                try tx.query("UPDATE shards SET end_counter = ?, closed_ms = ? WHERE stream_id = ? AND idx = ?",
                             [.integer(Int64(p.endCounter)), .integer(closedAt), .integer(stream), .integer(Int64(p.index))])
            }
            for child in children { try Self.insertShard(tx, stream: stream, child) }
            try tx.query("UPDATE streams SET status = ?, status_changed_ms = ? WHERE id = ?",
                         [.text(status.rawValue), .integer(closedAt), .integer(stream)])
        }
    }

    func deleteShards(stream: Int64, _ indexes: [Int]) throws {
        try db.transaction { tx in
            for i in indexes {
                try tx.query("DELETE FROM shards WHERE stream_id = ? AND idx = ?", [.integer(stream), .integer(Int64(i))])
            }
        }
    }

    func delete(stream: Int64) throws {
        try db.query("DELETE FROM streams WHERE id = ?", [.integer(stream)])
    }

    func deleteAll() throws {
        try db.execute("DELETE FROM policies; DELETE FROM consumers; DELETE FROM tags; DELETE FROM shards; DELETE FROM streams; DELETE FROM meta WHERE key LIKE 'account-settings:%';")
    }
}
