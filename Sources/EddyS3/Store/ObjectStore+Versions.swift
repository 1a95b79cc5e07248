import EddyStorage

/// Object versions: each write of a key is a version (or a delete marker) in `versions`, the
/// newest first per key, one of them the latest.
extension ObjectStore {
    /// One version of an object, or a delete marker (which has no body: `file` is empty).
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
        /// "null" for the version of an unversioned (or suspended) bucket.
        public var versionId: String = "null"
        public var isDeleteMarker = false
        public var isLatest = true
        var sequence: Int64 = 0
        /// The version's AccessControlPolicy document; nil: the owner's full control alone.
        public var acl: [UInt8]? = nil
        /// A completed multipart upload's parts, written with the version; read on their own
        /// (`completedParts`) since a listing never needs them.
        public var partList: [CompletedPart]? = nil
    }

    /// One part of a completed multipart object, as GetObjectAttributes and GetObject by
    /// `partNumber` need it.
    public struct CompletedPart: Sendable, Equatable {
        public var number: Int
        public var size: Int
        public var checksum: String?

        /// "number size checksum" lines: compact, and no JSON decoder on the GET path.
        static func encode(_ parts: [CompletedPart]) -> String {
            parts.map { "\($0.number) \($0.size)" + ($0.checksum.map { " " + $0 } ?? "") }.joined(separator: "\n")
        }

        static func decode(_ text: String) -> [CompletedPart] {
            text.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count >= 2, let number = Int(fields[0]), let size = Int(fields[1]) else { return nil }
                return CompletedPart(number: number, size: size, checksum: fields.count > 2 ? String(fields[2]) : nil)
            }
        }
    }

    /// The parts of a version written by CompleteMultipartUpload (nil for any other).
    func completedParts(_ bucket: String, _ key: String, _ versionId: String) throws -> [CompletedPart]? {
        try db.query("SELECT part_list FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                     [.text(bucket), .text(key), .text(versionId)]).first?.first?.text.map(CompletedPart.decode)
    }

    static let objectColumns = """
        bucket, key, file, size, etag, modified_ms, headers, checksum_algorithm, checksum, checksum_type, parts, tags,
        version_id, marker, latest, seq, acl
        """

    static func object(_ r: [SQLiteValue]) throws -> Object {
        Object(bucket: try r.text(0), key: try r.text(1), file: try r.text(2), size: Int(clamping: try r.integer(3)), etag: try r.text(4),
               modifiedMillis: try r.integer(5), headers: StoredHeaders.decode(r.optionalText(6) ?? ""),
               checksumAlgorithm: r.optionalText(7).flatMap(ChecksumAlgorithm.init(rawValue:)), checksum: r.optionalText(8),
               checksumType: r.optionalText(9), parts: r.optionalInteger(10).map { Int(clamping: $0) },
               tags: StoredHeaders.decode(r.optionalText(11) ?? ""), versionId: try r.text(12),
               isDeleteMarker: try r.integer(13) != 0, isLatest: try r.integer(14) != 0, sequence: try r.integer(15),
               acl: r.blob(16))
    }

    /// The current object under `key`: nil when there is none or its latest version is a
    /// delete marker.
    func object(_ bucket: String, _ key: String) throws -> Object? {
        let found = try version(bucket, key, nil)
        return found?.isDeleteMarker == false ? found : nil
    }

    /// A version by id, or the latest version (which may be a delete marker) when `versionId`
    /// is nil.
    func version(_ bucket: String, _ key: String, _ versionId: String?) throws -> Object? {
        let rows = try versionId.map {
            try db.query("SELECT \(Self.objectColumns) FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                         [.text(bucket), .text(key), .text($0)])
        } ?? db.query("SELECT \(Self.objectColumns) FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1",
                      [.text(bucket), .text(key)])
        return try rows.first.map(Self.object)
    }

    /// Stores `o` as the key's latest version. With versioning enabled it gets a new version id
    /// and the versions before it stay; otherwise it is the `null` version and replaces the
    /// key's previous `null` version (and only that one). A replaced body file is removed after
    /// the catalog says so, so a crash never leaves a key pointing at nothing.
    /// `condition` is checked against the key's current object in the same transaction, so a
    /// conditional write cannot race another write of the key.
    @discardableResult
    func put(_ o: Object, versioning: Versioning? = nil, condition: WriteCondition = .none) throws -> Object {
        var stored = o
        stored.versionId = versioning == .enabled ? Self.newVersionId() : "null"
        stored.isLatest = true
        let previous = try db.transaction { tx -> String? in
            if condition != .none {
                let current = try tx.query("SELECT etag, marker FROM versions WHERE bucket = ? AND key = ? AND latest = 1",
                                           [.text(o.bucket), .text(o.key)]).first
                let etag = current?.first?.text, live = current.map { $0.count > 1 && $0[1].int == 0 } ?? false
                switch condition {
                case .none: break
                case .ifNoneMatchAny: if live { throw WriteConditionFailed.exists }
                case .ifMatch(let wanted):
                    guard live, let etag else { throw WriteConditionFailed.missing }
                    if etag != wanted && etag != "\"\(wanted)\"" && "\"\(etag)\"" != wanted { throw WriteConditionFailed.differs }
                }
            }
            return try Self.insert(tx, &stored)
        }
        if let previous, !previous.isEmpty, previous != o.file { removeFile(previous) }
        return stored
    }

    /// A PutObject's `If-None-Match: *` or `If-Match: <etag>`.
    enum WriteCondition: Equatable {
        case none
        case ifNoneMatchAny
        case ifMatch(String)
    }

    enum WriteConditionFailed: Error {
        case exists, missing, differs
    }

    /// Inserts the version, demoting the key's others; returns the body file of the `null`
    /// version it replaced, if one was.
    private static func insert(_ tx: SQLiteDatabase.Transaction, _ o: inout Object) throws -> String? {
        // One read gives the next sequence number, the key's null version's body and whether
        // there are versions to demote.
        let row = try tx.query("""
            SELECT COALESCE(MAX(seq), 0) + 1, MAX(CASE WHEN version_id = 'null' THEN file END), COUNT(*)
            FROM versions WHERE bucket = ? AND key = ?
            """, [.text(o.bucket), .text(o.key)]).first
        o.sequence = row?.first?.int ?? 1
        var replaced: String?
        if o.versionId == "null", let file = row.flatMap({ $0.count > 1 ? $0[1].text : nil }) {
            replaced = file
            try tx.query("DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = 'null'", [.text(o.bucket), .text(o.key)])
        }
        if (row.flatMap { $0.count > 2 ? $0[2].int : nil } ?? 0) > (replaced == nil ? 0 : 1) {
            try tx.query("UPDATE versions SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1", [.text(o.bucket), .text(o.key)])
        }
        try tx.query("""
            INSERT INTO versions (bucket, key, seq, version_id, latest, marker, file, size, etag, modified_ms, headers,
                                  checksum_algorithm, checksum, checksum_type, parts, tags, acl, part_list)
            VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(o.bucket), .text(o.key), .integer(o.sequence), .text(o.versionId), .integer(o.isDeleteMarker ? 1 : 0),
                  .text(o.file), .integer(Int64(o.size)), .text(o.etag), .integer(o.modifiedMillis),
                  .text(StoredHeaders.encode(o.headers)), o.checksumAlgorithm.map { .text($0.rawValue) } ?? .null,
                  o.checksum.map { .text($0) } ?? .null, o.checksumType.map { .text($0) } ?? .null,
                  o.parts.map { .integer(Int64($0)) } ?? .null, o.tags.isEmpty ? .null : .text(StoredHeaders.encode(o.tags)),
                  o.acl.map { .blob($0) } ?? .null, o.partList.map { .text(CompletedPart.encode($0)) } ?? .null])
        return replaced
    }

    /// What a delete did: the version it removed or the delete marker it created.
    struct Deletion: Equatable {
        var versionId: String?
        var isDeleteMarker: Bool
    }

    /// Deletes as S3 does. With a version id: that version (or delete marker) is removed for
    /// good, and the one before it becomes the latest. Without: an unversioned bucket removes
    /// the object; a versioned one adds a delete marker (a suspended one as the `null` version,
    /// replacing the previous `null` version). Nil when there was nothing to delete.
    func delete(_ bucket: String, _ key: String, versionId: String? = nil, versioning: Versioning? = nil,
                now: Int64 = 0) throws -> Deletion? {
        let outcome = try db.transaction { tx -> (Deletion?, String?) in
            if versionId == nil, let versioning {
                var marker = Object(bucket: bucket, key: key, file: "", size: 0, etag: "", modifiedMillis: now, headers: [],
                                    checksumAlgorithm: nil, checksum: nil, checksumType: nil, parts: nil, tags: [],
                                    versionId: versioning == .enabled ? Self.newVersionId() : "null", isDeleteMarker: true)
                let replaced = try Self.insert(tx, &marker)
                return (Deletion(versionId: marker.versionId, isDeleteMarker: true), replaced)
            }
            let id = versionId ?? "null"
            guard let row = try tx.query("SELECT file, marker, latest FROM versions WHERE bucket = ? AND key = ? AND version_id = ?",
                                         [.text(bucket), .text(key), .text(id)]).first else { return (nil, nil) }
            try tx.query("DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?", [.text(bucket), .text(key), .text(id)])
            if row.count > 2, row[2].int == 1 {
                try tx.query("""
                    UPDATE versions SET latest = 1 WHERE bucket = ? AND key = ?
                    AND seq = (SELECT MAX(seq) FROM versions WHERE bucket = ? AND key = ?)
                    """, [.text(bucket), .text(key), .text(bucket), .text(key)])
            }
            return (Deletion(versionId: versionId, isDeleteMarker: row.count > 1 && row[1].int == 1), row.first?.text)
        }
        if let file = outcome.1, !file.isEmpty { removeFile(file) }
        return outcome.0
    }

    /// A version's stored headers replaced (a lifecycle transition changes its storage class).
    func setHeaders(_ o: Object, _ headers: [(String, String)]) throws {
        try db.query("UPDATE versions SET headers = ? WHERE bucket = ? AND key = ? AND version_id = ?",
                     [.text(StoredHeaders.encode(headers)), .text(o.bucket), .text(o.key), .text(o.versionId)])
    }

    func setObjectAcl(_ o: Object, _ document: [UInt8]?) throws {
        try db.query("UPDATE versions SET acl = ? WHERE bucket = ? AND key = ? AND version_id = ?",
                     [document.map { .blob($0) } ?? .null, .text(o.bucket), .text(o.key), .text(o.versionId)])
    }

    func setObjectTags(_ o: Object, _ tags: [(String, String)]) throws {
        try db.query("UPDATE versions SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ?",
                     [tags.isEmpty ? .null : .text(StoredHeaders.encode(tags)), .text(o.bucket), .text(o.key), .text(o.versionId)])
    }

    /// Current objects (no delete markers) in key order (byte order of UTF-8) after `after`,
    /// with `prefix`, at most `limit`.
    func objects(_ bucket: String, prefix: String, after: String?, limit: Int) throws -> [Object] {
        var sql = """
            SELECT \(Self.objectColumns) FROM versions
            WHERE bucket = ? AND latest = 1 AND marker = 0 AND substr(key, 1, ?) = ?
            """
        var params: [SQLiteValue] = [.text(bucket), .integer(Int64(prefix.unicodeScalars.count)), .text(prefix)]
        if let after { sql += " AND key > ?"; params.append(.text(after)) }
        Self.bound(prefix, &sql, &params)
        sql += " ORDER BY key LIMIT ?"
        params.append(.integer(Int64(limit)))
        return try db.query(sql, params).map(Self.object)
    }

    /// Every version and delete marker with `prefix`, by key and then newest first, starting
    /// after `after` (a key and, within it, the sequence of the last version returned).
    func versions(_ bucket: String, prefix: String, after: (key: String, sequence: Int64?)?, limit: Int) throws -> [Object] {
        var sql = "SELECT \(Self.objectColumns) FROM versions WHERE bucket = ? AND substr(key, 1, ?) = ?"
        var params: [SQLiteValue] = [.text(bucket), .integer(Int64(prefix.unicodeScalars.count)), .text(prefix)]
        Self.bound(prefix, &sql, &params)
        if let after {
            if let sequence = after.sequence {
                // Written so the index range starts at the key.
                sql += " AND key >= ? AND (key > ? OR seq < ?)"
                params += [.text(after.key), .text(after.key), .integer(sequence)]
            } else {
                sql += " AND key > ?"
                params.append(.text(after.key))
            }
        }
        sql += " ORDER BY key, seq DESC LIMIT ?"
        params.append(.integer(Int64(limit)))
        return try db.query(sql, params).map(Self.object)
    }

    /// Keys with `prefix` as a range of the index (`prefix` ≤ key < its successor), so a listing
    /// reads only them rather than filtering the rest of the bucket.
    static func bound(_ prefix: String, _ sql: inout String, _ params: inout [SQLiteValue]) {
        guard !prefix.isEmpty else { return }
        sql += " AND key >= ?"
        params.append(.text(prefix))
        if let end = successor(prefix) {
            sql += " AND key < ?"
            params.append(.text(end))
        }
    }

    /// The least string greater than every string that starts with `s` (UTF-8 byte order is
    /// scalar order): its last scalar incremented; nil when every scalar is the last one.
    static func successor(_ s: String) -> String? {
        var scalars = Array(s.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return String(out)
            }
        }
        return nil
    }

    /// S3's version ids: 32 characters, letters, digits, `.` and `_`.
    static func newVersionId() -> String {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._".utf8)
        var out: [UInt8] = []
        for _ in 0..<32 { out.append(alphabet[Int(g.next() % UInt64(alphabet.count))]) }
        return String(decoding: out, as: UTF8.self)
    }
}
