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
            CREATE TABLE IF NOT EXISTS objects (
                bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, key TEXT NOT NULL,
                file TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,
                headers TEXT NOT NULL, checksum_algorithm TEXT, checksum TEXT, checksum_type TEXT, parts INTEGER,
                tags TEXT, PRIMARY KEY (bucket, key));
            CREATE TABLE IF NOT EXISTS uploads (
                id TEXT PRIMARY KEY, bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, key TEXT NOT NULL,
                initiated_ms INTEGER NOT NULL, headers TEXT NOT NULL, checksum_algorithm TEXT, checksum_type TEXT);
            CREATE TABLE IF NOT EXISTS parts (
                upload TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE, number INTEGER NOT NULL,
                file TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, modified_ms INTEGER NOT NULL,
                checksum TEXT, PRIMARY KEY (upload, number));
            """)
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

    public struct Bucket: Sendable {
        public var name: String
        public var account: String
        public var region: String
        public var createdMillis: Int64
        public var tags: [(String, String)]
    }

    func bucket(_ name: String) throws -> Bucket? {
        guard let r = try db.query("SELECT name, account, region, created_ms, tags FROM buckets WHERE name = ?", [.text(name)]).first
        else { return nil }
        return try Self.bucket(r)
    }

    func buckets(account: String) throws -> [Bucket] {
        try db.query("SELECT name, account, region, created_ms, tags FROM buckets WHERE account = ? ORDER BY name", [.text(account)])
            .map(Self.bucket)
    }

    static func bucket(_ r: [SQLiteValue]) throws -> Bucket {
        Bucket(name: try r.text(0), account: try r.text(1), region: try r.text(2), createdMillis: try r.integer(3),
               tags: StoredHeaders.decode(r.optionalText(4) ?? ""))
    }

    func createBucket(_ b: Bucket) throws {
        try db.query("INSERT INTO buckets (name, account, region, created_ms) VALUES (?, ?, ?, ?)",
                     [.text(b.name), .text(b.account), .text(b.region), .integer(b.createdMillis)])
    }

    func deleteBucket(_ name: String) throws {
        try db.query("DELETE FROM buckets WHERE name = ?", [.text(name)])
    }

    func setBucketTags(_ name: String, _ tags: [(String, String)]?) throws {
        try db.query("UPDATE buckets SET tags = ? WHERE name = ?", [tags.map { .text(StoredHeaders.encode($0)) } ?? .null, .text(name)])
    }

    func objectCount(_ bucket: String) throws -> Int {
        let objects = try db.query("SELECT count(*) FROM objects WHERE bucket = ?", [.text(bucket)])[0][0].int ?? 0
        let uploads = try db.query("SELECT count(*) FROM uploads WHERE bucket = ?", [.text(bucket)])[0][0].int ?? 0
        return Int(objects + uploads)
    }

    // MARK: Objects

    public struct Object: Sendable {
        public var bucket: String
        public var key: String
        public var file: String
        public var size: Int
        public var etag: String
        public var modifiedMillis: Int64
        /// Content-Type, Content-Encoding … and x-amz-meta-* as sent.
        public var headers: [(String, String)]
        public var checksumAlgorithm: ChecksumAlgorithm?
        public var checksum: String?
        public var checksumType: String?
        public var parts: Int?
        public var tags: [(String, String)]
    }

    func object(_ bucket: String, _ key: String) throws -> Object? {
        guard let r = try db.query("""
            SELECT bucket, key, file, size, etag, modified_ms, headers, checksum_algorithm, checksum, checksum_type, parts, tags
            FROM objects WHERE bucket = ? AND key = ?
            """, [.text(bucket), .text(key)]).first else { return nil }
        return try Self.object(r)
    }

    static func object(_ r: [SQLiteValue]) throws -> Object {
        Object(bucket: try r.text(0), key: try r.text(1), file: try r.text(2), size: Int(clamping: try r.integer(3)), etag: try r.text(4),
               modifiedMillis: try r.integer(5), headers: StoredHeaders.decode(r.optionalText(6) ?? ""),
               checksumAlgorithm: r.optionalText(7).flatMap(ChecksumAlgorithm.init(rawValue:)), checksum: r.optionalText(8),
               checksumType: r.optionalText(9), parts: r.optionalInteger(10).map { Int(clamping: $0) },
               tags: StoredHeaders.decode(r.optionalText(11) ?? ""))
    }

    /// Stores the object, replacing any with the same key; the replaced body file is removed
    /// after the catalog says so, so a crash never leaves a key pointing at nothing.
    func put(_ o: Object) throws {
        let previous = try db.transaction { tx -> String? in
            let old = try tx.query("SELECT file FROM objects WHERE bucket = ? AND key = ?", [.text(o.bucket), .text(o.key)]).first?[0].text
            try tx.query("""
                INSERT OR REPLACE INTO objects (bucket, key, file, size, etag, modified_ms, headers, checksum_algorithm, checksum,
                                                checksum_type, parts, tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(o.bucket), .text(o.key), .text(o.file), .integer(Int64(o.size)), .text(o.etag), .integer(o.modifiedMillis),
                      .text(StoredHeaders.encode(o.headers)), o.checksumAlgorithm.map { .text($0.rawValue) } ?? .null,
                      o.checksum.map { .text($0) } ?? .null, o.checksumType.map { .text($0) } ?? .null,
                      o.parts.map { .integer(Int64($0)) } ?? .null, o.tags.isEmpty ? .null : .text(StoredHeaders.encode(o.tags))])
            return old
        }
        if let previous, previous != o.file { removeFile(previous) }
    }

    func delete(_ bucket: String, _ key: String) throws {
        let file = try db.transaction { tx -> String? in
            let file = try tx.query("SELECT file FROM objects WHERE bucket = ? AND key = ?", [.text(bucket), .text(key)]).first?[0].text
            try tx.query("DELETE FROM objects WHERE bucket = ? AND key = ?", [.text(bucket), .text(key)])
            return file
        }
        if let file { removeFile(file) }
    }

    func setObjectTags(_ bucket: String, _ key: String, _ tags: [(String, String)]) throws {
        try db.query("UPDATE objects SET tags = ? WHERE bucket = ? AND key = ?",
                     [tags.isEmpty ? .null : .text(StoredHeaders.encode(tags)), .text(bucket), .text(key)])
    }

    /// Objects in key order (byte order of UTF-8) after `after`, with `prefix`, at most `limit`.
    func objects(_ bucket: String, prefix: String, after: String?, limit: Int) throws -> [Object] {
        var sql = """
            SELECT bucket, key, file, size, etag, modified_ms, headers, checksum_algorithm, checksum, checksum_type, parts, tags
            FROM objects WHERE bucket = ? AND substr(key, 1, ?) = ?
            """
        var params: [SQLiteValue] = [.text(bucket), .integer(Int64(prefix.unicodeScalars.count)), .text(prefix)]
        if let after { sql += " AND key > ?"; params.append(.text(after)) }
        sql += " ORDER BY key LIMIT ?"
        params.append(.integer(Int64(limit)))
        return try db.query(sql, params).map(Self.object)
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
        try db.execute("DELETE FROM parts; DELETE FROM uploads; DELETE FROM objects; DELETE FROM buckets;")
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
