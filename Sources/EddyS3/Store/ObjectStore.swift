import EddyStorage
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Buckets and objects: metadata in SQLite, every object body in a file named by the store
/// (never by the user's key), written to `tmp/` first and renamed into place once verified.
public final class ObjectStore: Sendable {
    public let root: String
    let db: SQLiteDatabase
    /// Uploads being completed or aborted: one request at a time may, so two concurrent
    /// CompleteMultipartUploads cannot both read parts the other is about to remove.
    private let claimed = Mutex<Set<String>>([])
    /// Bucket settings read on every object write (encryption, object lock, CORS): kept in
    /// memory after the first read, present or absent, and dropped whenever they change.
    private let settingCache = Mutex<[String: [UInt8]?]>([:])
    /// Flush directories and catalog commits to stable storage (`--fsync always`).
    let durable: Bool

    public init(root: String, durable: Bool) throws {
        self.root = root
        self.durable = durable
        try FileSystem.createDirectory(root + "/objects")
        // A crash mid-upload leaves only temporary files: they are dropped at start.
        FileSystem.remove(root + "/tmp")
        try FileSystem.createDirectory(root + "/tmp")
        db = try SQLiteDatabase(path: root + "/catalog.sqlite", durable: durable)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS buckets (
                name TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, created_ms INTEGER NOT NULL,
                tags TEXT);
            CREATE TABLE IF NOT EXISTS uploads (
                id TEXT PRIMARY KEY, bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, key TEXT NOT NULL,
                initiated_ms INTEGER NOT NULL, headers TEXT NOT NULL, checksum_algorithm TEXT, checksum_type TEXT);
            CREATE TABLE IF NOT EXISTS parts (
                upload TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE, number INTEGER NOT NULL,
                file TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,
                checksum TEXT, PRIMARY KEY (upload, number));
            CREATE TABLE IF NOT EXISTS bucket_settings (
                bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, kind TEXT NOT NULL, id TEXT NOT NULL,
                document BLOB NOT NULL, PRIMARY KEY (bucket, kind, id));
            """)
        try Self.migrate(db)
    }

    /// Brings a catalog written by an earlier Eddy up to date: buckets gain their versioning
    /// state, and the one-row-per-key `objects` table becomes `versions` (each old object its
    /// key's `null` version), in one transaction.
    static func migrate(_ db: SQLiteDatabase) throws {
        if try db.query("SELECT 1 FROM pragma_table_info('buckets') WHERE name = 'versioning'").isEmpty {
            try db.execute("ALTER TABLE buckets ADD COLUMN versioning TEXT; ALTER TABLE buckets ADD COLUMN mfa_delete TEXT;")
        }
        try db.transaction { tx in
            try tx.execute("""
                CREATE TABLE IF NOT EXISTS versions (
                    bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, key TEXT NOT NULL, seq INTEGER NOT NULL,
                    version_id TEXT NOT NULL, latest INTEGER NOT NULL, marker INTEGER NOT NULL,
                    file TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,
                    headers TEXT NOT NULL, checksum_algorithm TEXT, checksum TEXT, checksum_type TEXT, parts INTEGER,
                    tags TEXT, acl BLOB, part_list TEXT, PRIMARY KEY (bucket, key, seq DESC));
                CREATE UNIQUE INDEX IF NOT EXISTS version_ids ON versions (bucket, key, version_id);
                CREATE INDEX IF NOT EXISTS current_objects ON versions (bucket, key) WHERE latest = 1 AND marker = 0;
                """)
            for (column, type) in [("acl", "BLOB"), ("part_list", "TEXT")]
            where try tx.query("SELECT 1 FROM pragma_table_info('versions') WHERE name = ?", [.text(column)]).isEmpty {
                try tx.execute("ALTER TABLE versions ADD COLUMN \(column) \(type)")
            }
            guard try !tx.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'objects'").isEmpty else { return }
            try tx.execute("""
                INSERT INTO versions (bucket, key, seq, version_id, latest, marker, file, size, etag, modified_ms, headers,
                                      checksum_algorithm, checksum, checksum_type, parts, tags)
                SELECT bucket, key, 1, 'null', 1, 0, file, size, etag, modified_ms, headers, checksum_algorithm, checksum,
                       checksum_type, parts, tags FROM objects;
                DROP TABLE objects;
                """)
        }
    }

    // MARK: Files

    /// A new temporary file path for an upload.
    func temporaryPath() -> String { root + "/tmp/" + Self.newId() }

    /// Moves a verified temporary file into the object area; returns its store-relative name.
    func adopt(_ temporary: String) throws -> String {
        let id = Self.newId()
        let dir = "objects/" + String(id.prefix(2))
        try FileSystem.createDirectory(root + "/" + dir)
        let name = dir + "/" + id
        if rename(temporary, root + "/" + name) != 0 {
            throw StorageError("rename \(temporary): \(String(cString: strerror(errno)))")
        }
        if durable { FileSystem.syncDirectory(root + "/" + dir) }
        return name
    }

    func path(_ name: String) -> String { root + "/" + name }

    func removeFile(_ name: String) { unlink(path(name)) }

    static func newId() -> String {
        var g = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for _ in 0..<2 {
            let v: UInt64 = g.next()
            for s in stride(from: 60, through: 0, by: -4) { out.append(hex[Int((v >> UInt64(s)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Buckets

    /// A bucket's versioning state: never set (nil), Enabled, or Suspended (it can never go
    /// back to unset).
    public enum Versioning: String, Sendable {
        case enabled = "Enabled"
        case suspended = "Suspended"
    }

    public struct Bucket: Sendable {
        public var name: String
        public var account: String
        public var region: String
        public var createdMillis: Int64
        public var tags: [(String, String)]
        public var versioning: Versioning? = nil
        public var mfaDelete: String? = nil
    }

    static let bucketColumns = "name, account, region, created_ms, tags, versioning, mfa_delete"

    func bucket(_ name: String) throws -> Bucket? {
        guard let r = try db.query("SELECT \(Self.bucketColumns) FROM buckets WHERE name = ?", [.text(name)]).first
        else { return nil }
        return try Self.bucket(r)
    }

    func buckets(account: String) throws -> [Bucket] {
        try db.query("SELECT \(Self.bucketColumns) FROM buckets WHERE account = ? ORDER BY name", [.text(account)])
            .map(Self.bucket)
    }

    static func bucket(_ r: [SQLiteValue]) throws -> Bucket {
        Bucket(name: try r.text(0), account: try r.text(1), region: try r.text(2), createdMillis: try r.integer(3),
               tags: StoredHeaders.decode(r.optionalText(4) ?? ""), versioning: r.optionalText(5).flatMap(Versioning.init(rawValue:)),
               mfaDelete: r.optionalText(6))
    }

    /// A new bucket with the settings it starts with, in one transaction.
    func createBucket(_ b: Bucket, settings: [(kind: String, document: [UInt8])] = []) throws {
        forgetSettings(of: b.name)
        try db.transaction { tx in
            try tx.query("INSERT INTO buckets (name, account, region, created_ms) VALUES (?, ?, ?, ?)",
                         [.text(b.name), .text(b.account), .text(b.region), .integer(b.createdMillis)])
            for (kind, document) in settings {
                try tx.query("INSERT INTO bucket_settings (bucket, kind, id, document) VALUES (?, ?, '', ?)",
                             [.text(b.name), .text(kind), .blob(document)])
            }
        }
    }

    // MARK: Bucket settings

    /// A stored configuration document (`id` for the kinds kept by id, such as inventory).
    func setting(_ bucket: String, _ kind: String, id: String = "") throws -> [UInt8]? {
        let cacheKey = "\(bucket)\u{1F}\(kind)\u{1F}\(id)"
        if let cached = settingCache.withLock({ $0[cacheKey] }) { return cached }
        let document = try db.query("SELECT document FROM bucket_settings WHERE bucket = ? AND kind = ? AND id = ?",
                                    [.text(bucket), .text(kind), .text(id)]).first?.blob(0)
        // Ids are many and read rarely: only the per-bucket kinds are kept.
        if id.isEmpty { settingCache.withLock { $0[cacheKey] = .some(document) } }
        return document
    }

    private func forgetSettings(of bucket: String) {
        let prefix = bucket + "\u{1F}"
        settingCache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(prefix) } }
    }

    /// Stores a configuration document, or removes it (nil); false when there was none to remove.
    @discardableResult
    func setSetting(_ bucket: String, _ kind: String, id: String = "", _ document: [UInt8]?) throws -> Bool {
        defer { forgetSettings(of: bucket) }
        if let document {
            try db.query("INSERT OR REPLACE INTO bucket_settings (bucket, kind, id, document) VALUES (?, ?, ?, ?)",
                         [.text(bucket), .text(kind), .text(id), .blob(document)])
            return true
        }
        return try db.transaction { tx in
            let existed = try !tx.query("SELECT 1 FROM bucket_settings WHERE bucket = ? AND kind = ? AND id = ?",
                                        [.text(bucket), .text(kind), .text(id)]).isEmpty
            try tx.query("DELETE FROM bucket_settings WHERE bucket = ? AND kind = ? AND id = ?", [.text(bucket), .text(kind), .text(id)])
            return existed
        }
    }

    /// Every bucket with a configuration of this kind, and its document.
    func buckets(with kind: String) throws -> [(bucket: String, document: [UInt8])] {
        try db.query("SELECT bucket, document FROM bucket_settings WHERE kind = ? AND id = '' ORDER BY bucket", [.text(kind)])
            .map { (try $0.text(0), $0.blob(1) ?? []) }
    }

    /// The documents of a kind kept by id, in id order.
    func settings(_ bucket: String, _ kind: String) throws -> [(id: String, document: [UInt8])] {
        try db.query("SELECT id, document FROM bucket_settings WHERE bucket = ? AND kind = ? ORDER BY id", [.text(bucket), .text(kind)])
            .map { (try $0.text(0), $0.blob(1) ?? []) }
    }

    func deleteBucket(_ name: String) throws {
        defer { forgetSettings(of: name) }
        try db.query("DELETE FROM buckets WHERE name = ?", [.text(name)])
    }

    func setBucketTags(_ name: String, _ tags: [(String, String)]?) throws {
        try db.query("UPDATE buckets SET tags = ? WHERE name = ?", [tags.map { .text(StoredHeaders.encode($0)) } ?? .null, .text(name)])
    }

    func setVersioning(_ name: String, _ state: Versioning, mfaDelete: String?) throws {
        try db.query("UPDATE buckets SET versioning = ?, mfa_delete = COALESCE(?, mfa_delete) WHERE name = ?",
                     [.text(state.rawValue), mfaDelete.map { .text($0) } ?? .null, .text(name)])
    }

    /// Object versions (delete markers included) and uploads in progress.
    func objectCount(_ bucket: String) throws -> Int {
        let objects = try db.query("SELECT count(*) FROM versions WHERE bucket = ?", [.text(bucket)])[0][0].int ?? 0
        let uploads = try db.query("SELECT count(*) FROM uploads WHERE bucket = ?", [.text(bucket)])[0][0].int ?? 0
        return Int(objects + uploads)
    }

    // MARK: Multipart uploads

    public struct Upload: Sendable {
        public var id: String
        public var bucket: String
        public var key: String
        public var initiatedMillis: Int64
        public var headers: [(String, String)]
        public var checksumAlgorithm: ChecksumAlgorithm?
        public var checksumType: String?
    }

    public struct Part: Sendable {
        public var number: Int
        public var file: String
        public var size: Int
        public var etag: String
        public var modifiedMillis: Int64
        public var checksum: String?
    }

    func createUpload(_ u: Upload) throws {
        try db.query("INSERT INTO uploads (id, bucket, key, initiated_ms, headers, checksum_algorithm, checksum_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [.text(u.id), .text(u.bucket), .text(u.key), .integer(u.initiatedMillis), .text(StoredHeaders.encode(u.headers)),
                      u.checksumAlgorithm.map { .text($0.rawValue) } ?? .null, u.checksumType.map { .text($0) } ?? .null])
    }

    func upload(_ id: String) throws -> Upload? {
        guard let r = try db.query("SELECT id, bucket, key, initiated_ms, headers, checksum_algorithm, checksum_type FROM uploads WHERE id = ?",
                                   [.text(id)]).first else { return nil }
        return try Self.upload(r)
    }

    static func upload(_ r: [SQLiteValue]) throws -> Upload {
        Upload(id: try r.text(0), bucket: try r.text(1), key: try r.text(2), initiatedMillis: try r.integer(3),
               headers: StoredHeaders.decode(r.optionalText(4) ?? ""),
               checksumAlgorithm: r.optionalText(5).flatMap(ChecksumAlgorithm.init(rawValue:)), checksumType: r.optionalText(6))
    }

    func uploads(_ bucket: String, prefix: String) throws -> [Upload] {
        try db.query("""
            SELECT id, bucket, key, initiated_ms, headers, checksum_algorithm, checksum_type FROM uploads
            WHERE bucket = ? AND substr(key, 1, ?) = ? ORDER BY key, initiated_ms
            """, [.text(bucket), .integer(Int64(prefix.unicodeScalars.count)), .text(prefix)]).map(Self.upload)
    }

    func putPart(upload: String, _ p: Part) throws {
        let previous = try db.transaction { tx -> String? in
            let old = try tx.query("SELECT file FROM parts WHERE upload = ? AND number = ?", [.text(upload), .integer(Int64(p.number))])
                .first?.optionalText(0)
            try tx.query("INSERT OR REPLACE INTO parts (upload, number, file, size, etag, modified_ms, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [.text(upload), .integer(Int64(p.number)), .text(p.file), .integer(Int64(p.size)), .text(p.etag),
                          .integer(p.modifiedMillis), p.checksum.map { .text($0) } ?? .null])
            return old
        }
        if let previous, previous != p.file { removeFile(previous) }
    }

    func parts(_ upload: String) throws -> [Part] {
        try db.query("SELECT number, file, size, etag, modified_ms, checksum FROM parts WHERE upload = ? ORDER BY number", [.text(upload)]).map {
            Part(number: Int(clamping: try $0.integer(0)), file: try $0.text(1), size: Int(clamping: try $0.integer(2)), etag: try $0.text(3),
                 modifiedMillis: try $0.integer(4), checksum: $0.optionalText(5))
        }
    }

    /// Ends an upload: its parts' files go unless `keeping` names them (they became the object).
    /// Takes the upload for one completion or abort; false when another request holds it.
    func claimUpload(_ id: String) -> Bool { claimed.withLock { $0.insert(id).inserted } }

    func releaseUpload(_ id: String) { claimed.withLock { _ = $0.remove(id) } }

    func finishUpload(_ id: String, keeping: Set<String> = []) throws {
        let files = try parts(id).map(\.file)
        try db.query("DELETE FROM uploads WHERE id = ?", [.text(id)])
        for f in files where !keeping.contains(f) { removeFile(f) }
    }

    func reset() throws {
        settingCache.withLock { $0 = [:] }
        try db.execute("DELETE FROM parts; DELETE FROM uploads; DELETE FROM versions; DELETE FROM bucket_settings; DELETE FROM buckets;")
        FileSystem.remove(root + "/objects")
        try FileSystem.createDirectory(root + "/objects")
    }
}

/// Header lists stored as text: one `name\u{1F}value` pair per line (names and values cannot
/// hold these control characters on the wire).
enum StoredHeaders {
    static func encode(_ headers: [(String, String)]) -> String {
        headers.map { "\($0.0)\u{1F}\($0.1)" }.joined(separator: "\u{1E}")
    }

    static func decode(_ text: String) -> [(String, String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { pair in
            let p = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return (p.first.map(String.init) ?? "", p.count > 1 ? String(p[1]) : "")
        }
    }
}
