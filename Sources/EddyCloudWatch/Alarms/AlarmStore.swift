import EddyStorage
import EddyWire
import Synchronization

/// CloudWatch's alarms, their history and tags, and dashboards, in SQLite written through on
/// every change (they are configuration: each acknowledged change must survive a crash). The
/// alarms are also held in memory, where the evaluator reads them every few seconds; each is kept
/// as the very shape DescribeAlarms answers, state included.
public final class AlarmStore: Sendable {
    /// AWS keeps 30 days of alarm history.
    static let historyRetentionMillis: Int64 = 30 * 86_400_000
    /// Alarms per account and region (AWS's quota is far higher than any test needs; this keeps
    /// a runaway loop from filling the disk).
    static let maxAlarms = 10_000

    public enum Alarm: Sendable, Equatable {
        case metric(CloudWatchAPI.MetricAlarm)
        case composite(CloudWatchAPI.CompositeAlarm)

        var name: String {
            switch self {
            case .metric(let a): a.alarmName ?? ""
            case .composite(let a): a.alarmName ?? ""
            }
        }

        var arn: String {
            switch self {
            case .metric(let a): a.alarmArn ?? ""
            case .composite(let a): a.alarmArn ?? ""
            }
        }

        var state: CloudWatchAPI.StateValue {
            switch self {
            case .metric(let a): a.stateValue ?? .INSUFFICIENT_DATA
            case .composite(let a): a.stateValue ?? .INSUFFICIENT_DATA
            }
        }

        var type: CloudWatchAPI.AlarmType {
            if case .composite = self { return .CompositeAlarm }
            return .MetricAlarm
        }

        var actionsEnabled: Bool {
            switch self {
            case .metric(let a): a.actionsEnabled ?? true
            case .composite(let a): a.actionsEnabled ?? true
            }
        }

        /// The actions of one state.
        func actions(for state: CloudWatchAPI.StateValue) -> [String] {
            switch (self, state) {
            case (.metric(let a), .ALARM): a.alarmActions ?? []
            case (.metric(let a), .OK): a.okActions ?? []
            case (.metric(let a), .INSUFFICIENT_DATA): a.insufficientDataActions ?? []
            case (.composite(let a), .ALARM): a.alarmActions ?? []
            case (.composite(let a), .OK): a.okActions ?? []
            case (.composite(let a), .INSUFFICIENT_DATA): a.insufficientDataActions ?? []
            }
        }

        /// This definition with `old`'s state; nil when `old` is an alarm of the other kind.
        func keepingState(of old: Alarm) -> Alarm? {
            switch (self, old) {
            case (.metric(var a), .metric(let o)):
                (a.stateValue, a.stateReason, a.stateReasonData) = (o.stateValue, o.stateReason, o.stateReasonData)
                (a.stateUpdatedTimestamp, a.stateTransitionedTimestamp) = (o.stateUpdatedTimestamp, o.stateTransitionedTimestamp)
                return .metric(a)
            case (.composite(var a), .composite(let o)):
                (a.stateValue, a.stateReason, a.stateReasonData) = (o.stateValue, o.stateReason, o.stateReasonData)
                (a.stateUpdatedTimestamp, a.stateTransitionedTimestamp) = (o.stateUpdatedTimestamp, o.stateTransitionedTimestamp)
                return .composite(a)
            default:
                return nil
            }
        }

        var document: [UInt8] {
            switch self {
            case .metric(let a): a.jsonBytes(capacity: 1024)
            case .composite(let a): a.jsonBytes(capacity: 1024)
            }
        }
    }

    /// Where an alarm lives: its account, region and name.
    struct Scope: Hashable, Sendable {
        var account: String
        var region: String
    }

    let db: SQLiteDatabase
    private let alarms = Mutex<[Scope: [String: Alarm]]>([:])
    /// Held by every change of an alarm, from reading it to storing its new version.
    private let writes = Mutex(())

    public init(path: String, durable: Bool) throws {
        db = try SQLiteDatabase(path: path, durable: durable)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS alarms (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, document BLOB NOT NULL,
                PRIMARY KEY (account, region, name));
            CREATE TABLE IF NOT EXISTS alarm_history (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT,
                ts_ms INTEGER NOT NULL, alarm_type TEXT NOT NULL, item_type TEXT NOT NULL, summary TEXT NOT NULL, data TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS alarm_history_by_time ON alarm_history (account, region, ts_ms);
            CREATE TABLE IF NOT EXISTS tags (
                arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key));
            CREATE TABLE IF NOT EXISTS dashboards (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, modified_ms INTEGER NOT NULL,
                PRIMARY KEY (account, region, name));
            """)
        var loaded: [Scope: [String: Alarm]] = [:]
        for r in try db.query("SELECT account, region, name, kind, document FROM alarms") {
            let scope = Scope(account: try r.text(0), region: try r.text(1))
            guard let bytes = r.blob(4), let value = try? JSONParser.parse(bytes) else { continue }
            let alarm: Alarm? = try r.text(3) == "composite"
                ? (try? CloudWatchAPI.CompositeAlarm.decode(value, style: .json)).map(Alarm.composite)
                : (try? CloudWatchAPI.MetricAlarm.decode(value, style: .json)).map(Alarm.metric)
            if let alarm { loaded[scope, default: [:]][try r.text(2)] = alarm }
        }
        alarms.withLock { $0 = loaded }
    }

    // MARK: Alarms

    func alarm(_ scope: Scope, _ name: String) -> Alarm? {
        alarms.withLock { $0[scope]?[name] }
    }

    /// The scope's alarms sorted by name, as DescribeAlarms lists them.
    func alarms(_ scope: Scope) -> [Alarm] {
        alarms.withLock { ($0[scope] ?? [:]).values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } }
    }

    /// Every scope with alarms, for the evaluator.
    func scopes() -> [Scope] {
        alarms.withLock { Array($0.keys) }
    }

    struct LimitExceeded: Error {}

    /// Changes one alarm under the store's write lock, so an evaluation and a PutMetricAlarm
    /// never overwrite each other: `change` sees the alarm as it is now (nil when there is none)
    /// and returns its new version with the history items that record it, or nil to leave it.
    @discardableResult
    func modify(_ scope: Scope, _ name: String, _ change: (Alarm?) throws -> (Alarm, [HistoryEntry])?) throws -> Alarm? {
        try writes.withLock { _ in
            let current = alarm(scope, name)
            guard let (next, history) = try change(current) else { return current }
            if current == nil, alarms.withLock({ ($0[scope]?.count ?? 0) >= Self.maxAlarms }) { throw LimitExceeded() }
            try db.transaction { tx in
                try tx.query("INSERT OR REPLACE INTO alarms (account, region, name, kind, document) VALUES (?, ?, ?, ?, ?)",
                             [.text(scope.account), .text(scope.region), .text(name),
                              .text(next.type == .CompositeAlarm ? "composite" : "metric"), .blob(next.document)])
                for entry in history { try Self.insert(tx, scope, entry) }
            }
            alarms.withLock { $0[scope, default: [:]][name] = next }
            return next
        }
    }

    /// Deletes alarms (their history stays, as AWS keeps it; their tags go).
    func delete(_ scope: Scope, _ names: [String]) throws {
        try writes.withLock { _ in try deleteLocked(scope, names) }
    }

    private func deleteLocked(_ scope: Scope, _ names: [String]) throws {
        let arns = names.compactMap { alarm(scope, $0)?.arn }
        try db.transaction { tx in
            for name in names {
                try tx.query("DELETE FROM alarms WHERE account = ? AND region = ? AND name = ?",
                             [.text(scope.account), .text(scope.region), .text(name)])
            }
            for arn in arns { try tx.query("DELETE FROM tags WHERE arn = ?", [.text(arn)]) }
        }
        alarms.withLock { all in for name in names { all[scope]?[name] = nil } }
    }

    // MARK: History

    struct HistoryEntry: Sendable {
        var name: String
        var millis: Int64
        var alarmType: CloudWatchAPI.AlarmType
        var itemType: CloudWatchAPI.HistoryItemType
        var summary: String
        var data: String
    }

    func record(_ scope: Scope, _ entries: [HistoryEntry]) throws {
        guard !entries.isEmpty else { return }
        try db.transaction { tx in for e in entries { try Self.insert(tx, scope, e) } }
    }

    private static func insert(_ tx: SQLiteDatabase.Transaction, _ scope: Scope, _ e: HistoryEntry) throws {
        try tx.query("""
            INSERT INTO alarm_history (account, region, name, ts_ms, alarm_type, item_type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(scope.account), .text(scope.region), .text(e.name), .integer(e.millis), .text(e.alarmType.rawValue),
                  .text(e.itemType.rawValue), .text(e.summary), .text(e.data)])
    }

    struct HistoryQuery {
        var name: String?
        var types: Set<CloudWatchAPI.AlarmType>
        var itemType: CloudWatchAPI.HistoryItemType?
        var startMillis: Int64?
        var endMillis: Int64?
        var newestFirst: Bool
        /// The sequence number of the last item of the page before.
        var after: Int64?
        var limit: Int
    }

    /// History items and their sequence numbers (which page tokens carry).
    func history(_ scope: Scope, _ q: HistoryQuery) throws -> [(Int64, HistoryEntry)] {
        var sql = "SELECT seq, name, ts_ms, alarm_type, item_type, summary, data FROM alarm_history WHERE account = ? AND region = ?"
        var params: [SQLiteValue] = [.text(scope.account), .text(scope.region)]
        if let name = q.name { sql += " AND name = ?"; params.append(.text(name)) }
        if let itemType = q.itemType { sql += " AND item_type = ?"; params.append(.text(itemType.rawValue)) }
        if let start = q.startMillis { sql += " AND ts_ms >= ?"; params.append(.integer(start)) }
        if let end = q.endMillis { sql += " AND ts_ms <= ?"; params.append(.integer(end)) }
        if let after = q.after { sql += q.newestFirst ? " AND seq < ?" : " AND seq > ?"; params.append(.integer(after)) }
        let types = q.types.map(\.rawValue).sorted()
        sql += " AND alarm_type IN (\(types.map { _ in "?" }.joined(separator: ", ")))"
        params += types.map { .text($0) }
        sql += q.newestFirst ? " ORDER BY seq DESC" : " ORDER BY seq"
        sql += " LIMIT ?"
        params.append(.integer(Int64(q.limit)))
        return try db.query(sql, params).map { r in
            (try r.integer(0), HistoryEntry(name: try r.text(1), millis: try r.integer(2),
                                            alarmType: CloudWatchAPI.AlarmType(rawValue: try r.text(3)) ?? .MetricAlarm,
                                            itemType: CloudWatchAPI.HistoryItemType(rawValue: try r.text(4)) ?? .StateUpdate,
                                            summary: try r.text(5), data: try r.text(6)))
        }
    }

    // MARK: Tags

    func tags(_ arn: String) throws -> [(String, String)] {
        try db.query("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", [.text(arn)]).map { (try $0.text(0), try $0.text(1)) }
    }

    func tag(_ arn: String, _ tags: [(String, String)]) throws {
        try db.transaction { tx in
            for (key, value) in tags {
                try tx.query("INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?, ?, ?)", [.text(arn), .text(key), .text(value)])
            }
        }
    }

    func untag(_ arn: String, _ keys: [String]) throws {
        try db.transaction { tx in
            for key in keys { try tx.query("DELETE FROM tags WHERE arn = ? AND key = ?", [.text(arn), .text(key)]) }
        }
    }

    // MARK: Dashboards

    struct Dashboard: Sendable {
        var name: String
        var body: String
        var modifiedMillis: Int64
    }

    func dashboard(_ scope: Scope, _ name: String) throws -> Dashboard? {
        try db.query("SELECT name, body, modified_ms FROM dashboards WHERE account = ? AND region = ? AND name = ?",
                     [.text(scope.account), .text(scope.region), .text(name)]).first.map {
            Dashboard(name: try $0.text(0), body: try $0.text(1), modifiedMillis: try $0.integer(2))
        }
    }

    func dashboards(_ scope: Scope, prefix: String?) throws -> [Dashboard] {
        try db.query("SELECT name, body, modified_ms FROM dashboards WHERE account = ? AND region = ? ORDER BY name",
                     [.text(scope.account), .text(scope.region)]).map {
            Dashboard(name: try $0.text(0), body: try $0.text(1), modifiedMillis: try $0.integer(2))
        }.filter { prefix == nil || $0.name.utf8.starts(with: prefix?.utf8 ?? "".utf8) }
    }

    func putDashboard(_ scope: Scope, _ d: Dashboard) throws {
        try db.query("INSERT OR REPLACE INTO dashboards (account, region, name, body, modified_ms) VALUES (?, ?, ?, ?, ?)",
                     [.text(scope.account), .text(scope.region), .text(d.name), .text(d.body), .integer(d.modifiedMillis)])
    }

    func deleteDashboards(_ scope: Scope, _ names: [String]) throws {
        try db.transaction { tx in
            for name in names {
                try tx.query("DELETE FROM dashboards WHERE account = ? AND region = ? AND name = ?",
                             [.text(scope.account), .text(scope.region), .text(name)])
            }
        }
    }

    // MARK: Upkeep

    func maintain(nowMillis: Int64) throws {
        try db.query("DELETE FROM alarm_history WHERE ts_ms < ?", [.integer(nowMillis - Self.historyRetentionMillis)])
    }

    func reset() throws {
        try db.execute("DELETE FROM alarms; DELETE FROM alarm_history; DELETE FROM tags; DELETE FROM dashboards;")
        alarms.withLock { $0.removeAll() }
    }
}
