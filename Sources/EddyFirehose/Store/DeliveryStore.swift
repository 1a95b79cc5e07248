import EddyStorage
import EddyWire
import Synchronization

public typealias DeliveryStreamStatus = FirehoseAPI.DeliveryStreamStatus
public typealias DeliveryStreamType = FirehoseAPI.DeliveryStreamType

/// A delivery stream: its configuration (the S3 destination as DescribeDeliveryStream reports
/// it), its state, and for DirectPut the durable buffer its records wait in until delivered.
public struct DeliveryStream: Sendable {
    public var id: Int64
    public var account: String
    public var region: String
    public var name: String
    public var type: DeliveryStreamType
    public var sourceARN: String?
    public var sourceRoleARN: String?
    /// With AWS's defaults filled in.
    public var destination: FirehoseAPI.ExtendedS3DestinationDescription
    public var version: Int
    public var storedStatus: DeliveryStreamStatus
    public var createdMillis: Int64
    public var updatedMillis: Int64
    public var tags: [(String, String)]
    public var encryption: FirehoseAPI.DeliveryStreamEncryptionConfiguration?
    public var buffer: ShardLog?
    public var failure: String?

    public var arn: String { "arn:aws:firehose:\(region):\(account):deliverystream/\(name)" }

    public func status(now: Int64, createMillis: Int64) -> DeliveryStreamStatus {
        storedStatus == .CREATING && now >= createdMillis + createMillis ? .ACTIVE : storedStatus
    }

    /// The model bounds the hints (1–128 MB, 0–900 s).
    var hints: (bytes: Int, intervalMillis: Int64) {
        let h = destination.bufferingHints
        return ((h.sizeInMBs ?? 5) << 20, Int64(h.intervalInSeconds ?? 300) * 1000)
    }
}

/// Delivery streams in SQLite, buffers as shard logs under `root`, and delivery checkpoints
/// (how far each source has been written to S3), committed after each object.
public final class DeliveryStore: Sendable {
    let root: String
    let db: SQLiteDatabase
    let log: LogConfiguration
    private let streams: Mutex<[String: DeliveryStream]>
    /// Failed deliveries wait before they are retried: attempts so far and when to try next.
    private let backoff = Mutex<[Int64: (attempts: Int, next: Int64)]>([:])

    /// Whether a delivery stream may try to deliver now (false while backing off after failures).
    func mayDeliver(_ id: Int64, now: Int64) -> Bool { backoff.withLock { ($0[id]?.next ?? 0) <= now } }

    /// Records a failed delivery; returns the number of consecutive failures.
    @discardableResult
    func deliveryFailed(_ id: Int64, now: Int64) -> Int {
        backoff.withLock { all in
            let attempts = (all[id]?.attempts ?? 0) + 1
            // 0.5 s, 1 s, 2 s … up to 30 s between attempts.
            all[id] = (attempts, now + min(30_000, 500 << min(attempts - 1, 6)))
            return attempts
        }
    }

    func deliverySucceeded(_ id: Int64) { backoff.withLock { _ = $0.removeValue(forKey: id) } }

    static func key(_ account: String, _ region: String, _ name: String) -> String { "\(account)|\(region)|\(name)" }

    public init(root: String, log: LogConfiguration) throws {
        self.root = root
        self.log = log
        try FileSystem.createDirectory(root + "/streams")
        db = try SQLiteDatabase(path: root + "/catalog.sqlite")
        try db.execute("""
            CREATE TABLE IF NOT EXISTS delivery_streams (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                type TEXT NOT NULL, source_arn TEXT, source_role TEXT, destination TEXT NOT NULL, version INTEGER NOT NULL,
                status TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, tags TEXT NOT NULL DEFAULT '',
                encryption TEXT, UNIQUE (account, region, name));
            CREATE TABLE IF NOT EXISTS checkpoints (
                stream_id INTEGER NOT NULL REFERENCES delivery_streams(id) ON DELETE CASCADE, source TEXT NOT NULL,
                position INTEGER NOT NULL, PRIMARY KEY (stream_id, source));
            """)
        var loaded: [String: DeliveryStream] = [:]
        for r in try db.query("""
            SELECT id, account, region, name, type, source_arn, source_role, destination, version, status, created_ms, updated_ms,
                   tags, encryption FROM delivery_streams
            """) {
            let id = try r.integer(0)
            let status = DeliveryStreamStatus(rawValue: try r.text(9)) ?? .ACTIVE
            if status == .DELETING {
                try db.query("DELETE FROM delivery_streams WHERE id = ?", [.integer(id)])
                FileSystem.remove("\(root)/streams/\(id)")
                continue
            }
            let type = DeliveryStreamType(rawValue: try r.text(4)) ?? .DirectPut
            var s = DeliveryStream(
                id: id, account: try r.text(1), region: try r.text(2), name: try r.text(3), type: type, sourceARN: r.optionalText(5),
                sourceRoleARN: r.optionalText(6), destination: try Self.decode(try r.text(7)), version: Int(clamping: try r.integer(8)),
                storedStatus: status, createdMillis: try r.integer(10), updatedMillis: try r.integer(11),
                tags: Self.decodeTags(r.optionalText(12) ?? ""), encryption: try r.optionalText(13).map(Self.decode), buffer: nil, failure: nil)
            if type == .DirectPut {
                s.buffer = try ShardLog(directory: "\(root)/streams/\(id)/buffer", configuration: log)
            }
            loaded[Self.key(s.account, s.region, s.name)] = s
        }
        streams = Mutex(loaded)
        // Buffers restart at their delivery checkpoints: delivered records need no keeping.
        for s in loaded.values {
            if let buffer = s.buffer, let done = try checkpoint(s.id, "buffer") { buffer.trim(toSequence: done) }
        }
    }

    static func encodeTags(_ tags: [(String, String)]) -> String {
        tags.map { "\($0.0)\u{1F}\($0.1)" }.joined(separator: "\u{1E}")
    }

    static func decodeTags(_ text: String) -> [(String, String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}").map { p in
            let kv = p.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return (kv.first.map(String.init) ?? "", kv.count > 1 ? String(kv[1]) : "")
        }
    }

    /// Settings are kept as their JSON answer, read back through the model.
    static func text(_ value: (some ShapeEncodable)?) -> SQLiteValue {
        guard let value else { return .null }
        return .text(String(decoding: value.jsonBytes(), as: UTF8.self))
    }

    static func decode<T: ShapeDecodable>(_ text: String) throws -> T {
        try T.decode(try JSONParser.parse(Array(text.utf8)), style: .json)
    }

    public func stream(_ account: String, _ region: String, _ name: String) -> DeliveryStream? {
        streams.withLock { $0[Self.key(account, region, name)] }
    }

    public func all() -> [DeliveryStream] { streams.withLock { Array($0.values) } }

    public func create(_ s: DeliveryStream, checkpoints: [(String, UInt64)]) throws -> DeliveryStream {
        var s = s
        s.id = try db.transaction { tx in
            let id = try tx.query("""
                INSERT INTO delivery_streams (account, region, name, type, source_arn, source_role, destination, version, status,
                                              created_ms, updated_ms, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [.text(s.account), .text(s.region), .text(s.name), .text(s.type.rawValue), s.sourceARN.map { .text($0) } ?? .null,
                      s.sourceRoleARN.map { .text($0) } ?? .null, Self.text(s.destination), .integer(Int64(s.version)),
                      .text(s.storedStatus.rawValue), .integer(s.createdMillis), .integer(s.updatedMillis),
                      .text(Self.encodeTags(s.tags))]).returnedInteger()
            for (source, position) in checkpoints {
                try tx.query("INSERT INTO checkpoints (stream_id, source, position) VALUES (?, ?, ?)",
                             [.integer(id), .text(source), .integer(Int64(position))])
            }
            return id
        }
        if s.type == .DirectPut {
            s.buffer = try ShardLog(directory: "\(root)/streams/\(s.id)/buffer", configuration: log)
        }
        streams.withLock { $0[Self.key(s.account, s.region, s.name)] = s }
        return s
    }

    /// Saves changed settings (destination, version, tags, encryption, status).
    public func save(_ s: DeliveryStream) throws {
        try db.query("UPDATE delivery_streams SET destination = ?, version = ?, status = ?, updated_ms = ?, tags = ?, encryption = ? WHERE id = ?",
                     [Self.text(s.destination), .integer(Int64(s.version)), .text(s.storedStatus.rawValue), .integer(s.updatedMillis),
                      .text(Self.encodeTags(s.tags)), Self.text(s.encryption), .integer(s.id)])
        streams.withLock { $0[Self.key(s.account, s.region, s.name)] = s }
    }

    public func setFailure(_ s: DeliveryStream, _ failure: String?) {
        streams.withLock { all in all[Self.key(s.account, s.region, s.name)]?.failure = failure }
    }

    public func delete(_ s: DeliveryStream) throws {
        streams.withLock { _ = $0.removeValue(forKey: Self.key(s.account, s.region, s.name)) }
        s.buffer?.close()
        try db.query("DELETE FROM delivery_streams WHERE id = ?", [.integer(s.id)])
        FileSystem.remove("\(root)/streams/\(s.id)")
    }

    public func checkpoint(_ stream: Int64, _ source: String) throws -> UInt64? {
        try db.query("SELECT position FROM checkpoints WHERE stream_id = ? AND source = ?", [.integer(stream), .text(source)])
            .first.map { UInt64(clamping: try $0.integer(0)) }
    }

    /// Records what an object delivered, in one transaction (so a crash redelivers all of it or none).
    public func commit(_ stream: Int64, _ positions: [(String, UInt64)]) throws {
        try db.transaction { tx in
            for (source, position) in positions {
                try tx.query("INSERT OR REPLACE INTO checkpoints (stream_id, source, position) VALUES (?, ?, ?)",
                             [.integer(stream), .text(source), .integer(Int64(position))])
            }
        }
    }

    public func reset() throws {
        let all = streams.withLock { s -> [DeliveryStream] in defer { s.removeAll() }; return Array(s.values) }
        for s in all { s.buffer?.close() }
        try db.execute("DELETE FROM checkpoints; DELETE FROM delivery_streams;")
        FileSystem.remove(root + "/streams")
        try FileSystem.createDirectory(root + "/streams")
    }
}
