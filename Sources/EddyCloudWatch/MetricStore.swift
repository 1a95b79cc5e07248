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

    /// Samples kept per data point for percentiles: a uniform reservoir of at most this many.
    static let maxSamples = 512

    struct Aggregate {
        var count, sum, minimum, maximum: Double
        var samples: [Double] = []
        var seen = 0

        mutating func merge(_ d: MetricDatum) {
            count += d.count
            sum += d.sum
            minimum = min(minimum, d.minimum)
            maximum = max(maximum, d.maximum)
            addSamples(d)
        }

        /// Single values (and Values/Counts) are samples; a StatisticSet has none to give.
        mutating func addSamples(_ d: MetricDatum) {
            guard d.minimum == d.maximum, d.count > 0, d.sum == d.minimum * d.count else { return }
            // The count is the client's (a finite double checked at the door): clamp before converting.
            let n = d.count.isFinite ? Int(min(d.count.rounded(.down), Double(MetricStore.maxSamples))) : 0
            for _ in 0..<max(0, n) { add(d.minimum) }
        }

        mutating func add(_ v: Double) {
            seen += 1
            if samples.count < MetricStore.maxSamples {
                samples.append(v)
            } else {
                let j = Int.random(in: 0..<seen)
                if j < MetricStore.maxSamples { samples[j] = v }
            }
        }
    }

    static func encode(_ samples: [Double]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(samples.count * 8)
        for v in samples { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> [Double] {
        stride(from: 0, to: bytes.count / 8 * 8, by: 8).map { i in
            Double(bitPattern: bytes[i..<(i + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
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
                samples BLOB, seen INTEGER NOT NULL DEFAULT 0,
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
            return (p.first.map(String.init) ?? "", p.count > 1 ? String(p[1]) : "")
        }
    }

    public func record(_ d: MetricDatum) {
        let seconds = d.timestampMillis / 1000
        let resolution = Int64(max(1, d.resolutionSeconds))
        let key = Key(account: d.account, region: d.region, namespace: d.namespace, name: d.name,
                      dimensions: Self.canonical(d.dimensions), unit: d.unit, bucket: seconds - seconds % resolution)
        pending.withLock { all in
            if all[key] != nil {
                all[key]?.merge(d)
            } else {
                var a = Aggregate(count: d.count, sum: d.sum, minimum: d.minimum, maximum: d.maximum)
                a.addSamples(d)
                all[key] = a
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
            for (k, new) in batch {
                let keyParams: [SQLiteValue] = [.text(k.account), .text(k.region), .text(k.namespace), .text(k.name), .text(k.dimensions),
                                                .text(k.unit), .integer(k.bucket)]
                var a = new
                if let old = try tx.query("""
                    SELECT count, sum, minimum, maximum, samples, seen FROM datapoints
                    WHERE account = ? AND region = ? AND namespace = ? AND name = ? AND dimensions = ? AND unit = ? AND ts = ?
                    """, keyParams).first {
                    var merged = Aggregate(count: (old[0].double ?? 0) + a.count, sum: (old[1].double ?? 0) + a.sum,
                                           minimum: min(old[2].double ?? a.minimum, a.minimum), maximum: max(old[3].double ?? a.maximum, a.maximum))
                    merged.samples = old.blob(4).map(Self.decode) ?? []
                    merged.seen = Int(clamping: old.optionalInteger(5) ?? 0)
                    for v in a.samples { merged.add(v) }
                    a = merged
                }
                try tx.query("""
                    INSERT OR REPLACE INTO datapoints (account, region, namespace, name, dimensions, unit, ts, count, sum, minimum, maximum,
                                                       samples, seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, keyParams + [.real(a.count), .real(a.sum), .real(a.minimum), .real(a.maximum),
                                     a.samples.isEmpty ? .null : .blob(Self.encode(a.samples)), .integer(Int64(a.seen))])
            }
        }
    }

    public struct Row: Sendable {
        public var unit: String
        public var seconds: Int64
        public var count, sum, minimum, maximum: Double
        /// A sample of the values (for percentiles); empty when only statistic sets were sent.
        public var samples: [Double]
    }

    /// The stored points of one metric (exact dimension set) in [start, end) seconds.
    public func rows(account: String, region: String, namespace: String, name: String,
                     dimensions: [(name: String, value: String)], start: Int64, end: Int64) throws -> [Row] {
        try flush()
        return try db.query("""
            SELECT unit, ts, count, sum, minimum, maximum, samples FROM datapoints
            WHERE account = ? AND region = ? AND namespace = ? AND name = ? AND dimensions = ? AND ts >= ? AND ts < ?
            ORDER BY ts
            """, [.text(account), .text(region), .text(namespace), .text(name), .text(Self.canonical(dimensions)),
                  .integer(start), .integer(end)]).map { r in
            Row(unit: try r.text(0), seconds: try r.integer(1), count: r[2].double ?? 0, sum: r[3].double ?? 0,
                minimum: r[4].double ?? 0, maximum: r[5].double ?? 0, samples: r.blob(6).map(Self.decode) ?? [])
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
        return try db.query(sql, params).map { MetricIdentity(namespace: try $0.text(0), name: try $0.text(1), dimensions: try $0.text(2)) }
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

/// Percentiles as CloudWatch names them (`p99`, `p99.9`) over a sample of values.
public enum Percentile {
    /// The percentile a statistic name asks for, or nil when it is not one.
    public static func parse(_ name: String) -> Double? {
        guard name.hasPrefix("p"), let p = Double(name.dropFirst()), p >= 0, p <= 100 else { return nil }
        return p
    }

    public static func of(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        // p is within 0…100, so the rank is within the sample.
        let rank = Int((min(max(p, 0), 100) / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
