import CSQLite3
import Synchronization

/// A SQLite value bound to or read from a statement.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var int: Int64? { if case .integer(let v) = self { return v }; return nil }
    public var text: String? { if case .text(let v) = self { return v }; return nil }
    public var double: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
}

/// The system libsqlite3 through its C API: one connection in WAL mode, serialised by a lock.
/// Metadata writes are small and rare next to record appends, so one connection is enough.
public final class SQLiteDatabase: Sendable {
    private let connection: Mutex<Connection>
    public let path: String

    final class Connection: @unchecked Sendable {
        // Only touched under the database's lock.
        var handle: OpaquePointer?
        var statements: [String: OpaquePointer] = [:]
        init(handle: OpaquePointer?) { self.handle = handle }
    }

    /// `durable`: every commit reaches stable storage (synchronous=FULL). Otherwise commits
    /// survive a crash of the process but not necessarily a power loss (WAL, synchronous=NORMAL).
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StorageError("open \(path): \(message)")
        }
        connection = Mutex(Connection(handle: handle))
        try execute("PRAGMA journal_mode=WAL")
        try execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        connection.withLock { c in
            for (_, s) in c.statements { sqlite3_finalize(s) }
            sqlite3_close(c.handle)
        }
    }

    /// Runs statements with no results (schema, pragmas).
    public func execute(_ sql: String) throws {
        try connection.withLock { c in try Self.execute(c, sql) }
    }

    static func execute(_ c: Connection, _ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(c.handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StorageError("sqlite: \(message) in \(sql.prefix(80))")
        }
    }

    /// Runs one statement with bound parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try connection.withLock { c in try Self.run(c, sql, parameters) }
    }

    /// Runs `body` in one transaction; it is rolled back if `body` throws.
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try connection.withLock { c in
            _ = try Self.run(c, "BEGIN IMMEDIATE", [])
            do {
                let result = try body(Transaction(connection: c))
                _ = try Self.run(c, "COMMIT", [])
                return result
            } catch {
                _ = try? Self.run(c, "ROLLBACK", [])
                throw error
            }
        }
    }

    public struct Transaction {
        let connection: Connection
        @discardableResult
        public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
            try SQLiteDatabase.run(connection, sql, parameters)
        }

        /// Statements with no results, inside the transaction (a schema change made whole).
        public func execute(_ sql: String) throws { try SQLiteDatabase.execute(connection, sql) }
    }

    static func run(_ c: Connection, _ sql: String, _ parameters: [SQLiteValue]) throws -> [[SQLiteValue]] {
        let statement: OpaquePointer
        if let cached = c.statements[sql] {
            statement = cached
        } else {
            var s: OpaquePointer?
            guard sqlite3_prepare_v2(c.handle, sql, -1, &s, nil) == SQLITE_OK, let s else {
                throw StorageError("sqlite prepare: \(String(cString: sqlite3_errmsg(c.handle))) in \(sql.prefix(80))")
            }
            c.statements[sql] = s
            statement = s
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let v): sqlite3_bind_int64(statement, index, v)
            case .real(let v): sqlite3_bind_double(statement, index, v)
            case .text(let v):
                // Bound by length, not as a C string: a key with a NUL in it is its own key.
                var text = v
                text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        _ = sqlite3_bind_text(statement, index, "", 0, eddy_sqlite_transient)
                        return
                    }
                    _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                          Int32(clamping: bytes.count), eddy_sqlite_transient)
                }
            case .blob(let v) where v.isEmpty:
                sqlite3_bind_zeroblob(statement, index, 0)
            case .blob(let v):
                v.withUnsafeBytes { _ = sqlite3_bind_blob(statement, index, $0.baseAddress, Int32(clamping: $0.count), eddy_sqlite_transient) }
            }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw StorageError("sqlite step: \(String(cString: sqlite3_errmsg(c.handle))) in \(sql.prefix(80))")
            }
            let columns = sqlite3_column_count(statement)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columns))
            for col in 0..<columns {
                switch sqlite3_column_type(statement, col) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, col)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, col)))
                case SQLITE_TEXT:
                    let n = Int(sqlite3_column_bytes(statement, col))
                    if let p = sqlite3_column_text(statement, col) {
                        row.append(.text(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)))
                    } else {
                        row.append(.text(""))
                    }
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(statement, col))
                    if let p = sqlite3_column_blob(statement, col) {
                        row.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                    } else {
                        row.append(.blob([]))
                    }
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }
}

/// Checked reads of a result row: a column that is not what the schema says is a damaged
/// catalog, reported as an error rather than trapped on.
extension Array where Element == SQLiteValue {
    public func integer(_ column: Int) throws -> Int64 {
        guard indices.contains(column), let v = self[column].int else { throw StorageError("catalog: column \(column) is not an integer") }
        return v
    }

    public func text(_ column: Int) throws -> String {
        guard indices.contains(column), let v = self[column].text else { throw StorageError("catalog: column \(column) is not text") }
        return v
    }

    public func optionalInteger(_ column: Int) -> Int64? { indices.contains(column) ? self[column].int : nil }
    public func optionalText(_ column: Int) -> String? { indices.contains(column) ? self[column].text : nil }

    public func blob(_ column: Int) -> [UInt8]? {
        guard indices.contains(column), case .blob(let v) = self[column] else { return nil }
        return v
    }
}

extension Array where Element == [SQLiteValue] {
    /// The first column of the first row (`INSERT … RETURNING id`).
    public func returnedInteger() throws -> Int64 {
        guard let row = first else { throw StorageError("catalog: the statement returned no row") }
        return try row.integer(0)
    }
}
