import EddyStorage
import EddyWire
import Synchronization

/// Metric data points at 1-minute resolution (1 s for high-resolution data), aggregated in
/// memory as they come (services report on hot paths) and flushed to SQLite every second and
/// before every read. Kept 15 days, as CloudWatch keeps 1-minute data.
public final class MetricStore: MetricsSink, Sendable {
    static let retentionMillis: Int64 = 15 * 86_400_000

    struct Key: Hashable {
        var account, region, namespace, name, dimensions, unit: String
        var bucket: Int64
    }

    struct Aggregate {
        var count, sum, minimum, maximum: Double

        mutating func merge(_ d: MetricDatum) {
            count += d.count
            sum += d.sum
            minimum = min(minimum, d.minimum)
            maximum = max(maximum, d.maximum)
        }
    }

    let db: SQLiteDatabase
    private let pending = Mutex<[Key: Aggregate]>([:])

    public init(path: String) throws {
        db = try SQLiteDatabase(path: path, durable: false)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS datapoints (
                account TEXT NOT NULL, region TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                dimensions TEXT NOT NULL, unit TEXT NOT NULL, ts INTEGER NOT NULL,
                count REAL NOT NULL, sum REAL NOT NULL, minimum REAL NOT NULL, maximum REAL NOT NULL,
                PRIMARY KEY (account, region, namespace, name, dimensions, unit, ts));
            CREATE INDEX IF NOT EXISTS datapoints_by_time ON datapoints (ts);
            """)
    }

    /// Dimensions as stored: sorted by name, `name\u{1F}value` pairs joined by `\u{1E}`.
    static func canonical(_ dims: [(name: String, value: String)]) -> String {
        dims.sorted { $0.name < $1.name }.map { "\($0.name)\u{1F}\($0.value)" }.joined(separator: "\u{1E}")
    }

    static func dimensions(_ text: String) -> [(name: String, value: String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}").map { pair in
            let p = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(p[0]), p.count > 1 ? String(p[1]) : "")
        }
    }

    public func record(_ d: MetricDatum) {
        let seconds = d.timestampMillis / 1000
        let resolution = Int64(max(1, d.resolutionSeconds))
        let key = Key(account: d.account, region: d.region, namespace: d.namespace, name: d.name,
                      dimensions: Self.canonical(d.dimensions), unit: d.unit, bucket: seconds - seconds % resolution)
        pending.withLock { all in
            if all[key] == nil {
                all[key] = Aggregate(count: d.count, sum: d.sum, minimum: d.minimum, maximum: d.maximum)
            } else {
                all[key]!.merge(d)
            }
        }
    }

    public func flush() throws {
        let batch = pending.withLock { all -> [Key: Aggregate] in
            defer { all.removeAll() }
            return all
        }
        guard !batch.isEmpty else { return }
        try db.transaction { tx in
            for (k, a) in batch {
                try tx.query("""
                    INSERT INTO datapoints (account, region, namespace, name, dimensions, unit, ts, count, sum, minimum, maximum)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account, region, namespace, name, dimensions, unit, ts) DO UPDATE SET
                      count = count + excluded.count, sum = sum + excluded.sum,
                      minimum = min(minimum, excluded.minimum), maximum = max(maximum, excluded.maximum)
                    """, [.text(k.account), .text(k.region), .text(k.namespace), .text(k.name), .text(k.dimensions), .text(k.unit),
                          .integer(k.bucket), .real(a.count), .real(a.sum), .real(a.minimum), .real(a.maximum)])
            }
        }
    }

    public struct Row: Sendable {
        public var unit: String
        public var seconds: Int64
        public var count, sum, minimum, maximum: Double
    }

    /// The stored points of one metric (exact dimension set) in [start, end) seconds.
    public func rows(account: String, region: String, namespace: String, name: String,
                     dimensions: [(name: String, value: String)], start: Int64, end: Int64) throws -> [Row] {
        try flush()
        return try db.query("""
            SELECT unit, ts, count, sum, minimum, maximum FROM datapoints
            WHERE account = ? AND region = ? AND namespace = ? AND name = ? AND dimensions = ? AND ts >= ? AND ts < ?
            ORDER BY ts
            """, [.text(account), .text(region), .text(namespace), .text(name), .text(Self.canonical(dimensions)),
                  .integer(start), .integer(end)]).map {
            Row(unit: $0[0].text!, seconds: $0[1].int!, count: $0[2].double!, sum: $0[3].double!, minimum: $0[4].double!, maximum: $0[5].double!)
        }
    }

    public struct MetricIdentity: Sendable, Hashable {
        public var namespace: String
        public var name: String
        public var dimensions: String
    }

    /// Metrics with data since `since` seconds (ListMetrics).
    public func metrics(account: String, region: String, namespace: String?, name: String?, since: Int64) throws -> [MetricIdentity] {
        try flush()
        var sql = "SELECT DISTINCT namespace, name, dimensions FROM datapoints WHERE account = ? AND region = ? AND ts >= ?"
        var params: [SQLiteValue] = [.text(account), .text(region), .integer(since)]
        if let namespace { sql += " AND namespace = ?"; params.append(.text(namespace)) }
        if let name { sql += " AND name = ?"; params.append(.text(name)) }
        sql += " ORDER BY namespace, name, dimensions"
        return try db.query(sql, params).map { MetricIdentity(namespace: $0[0].text!, name: $0[1].text!, dimensions: $0[2].text!) }
    }

    /// Flushes and drops points older than the retention (the maintenance timer calls it).
    public func maintain(nowMillis: Int64) throws {
        try flush()
        try db.query("DELETE FROM datapoints WHERE ts < ?", [.integer((nowMillis - Self.retentionMillis) / 1000)])
    }

    public func reset() throws {
        pending.withLock { $0.removeAll() }
        try db.execute("DELETE FROM datapoints")
    }
}
