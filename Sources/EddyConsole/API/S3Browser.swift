import EddyWire

/// The console's S3 browser: buckets, a folder view of keys (`/` as the delimiter, 100 a
/// page), an object's metadata and versions, a preview (text, JSON, gzip'd NDJSON decoded
/// line by line, images) and downloads. Objects are only ever served as attachments, or as
/// images of a safe type, so nothing stored can run as a page of this origin.
struct S3Browser: Sendable {
    let calls: ServiceCalls
    let query: QueryItems

    static let previewBytes = 4 << 20
    static let previewText = 256 << 10
    static let previewLines = 500
    static let inlineImages = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    static func path(_ bucket: String, _ key: String? = nil) -> String {
        "/" + QueryItems.encode(bucket) + (key.map { "/" + $0.split(separator: "/", omittingEmptySubsequences: false).map { QueryItems.encode(String($0)) }.joined(separator: "/") } ?? "")
    }

    static func xml(_ a: ServiceCalls.Answer) -> XMLElement? { try? XMLElement.parse(a.body) }

    static func s3Error(_ a: ServiceCalls.Answer) -> ServiceResponse {
        let e = xml(a)
        return ConsoleAPI.error(a.status, e?.value("Code") ?? "Error", e?.value("Message") ?? "S3 answered \(a.status)")
    }

    func bucketList() async -> [(name: String, created: String)] {
        let a = await calls.s3("GET", "/")
        return Self.xml(a)?.child("Buckets")?.children("Bucket").map { ($0.value("Name") ?? "", $0.value("CreationDate") ?? "") } ?? []
    }

    func buckets() async -> ServiceResponse {
        let list = await bucketList()
        return ConsoleAPI.json { w in
            w.key("buckets"); w.beginArray()
            for b in list { w.beginObject(); w.member("Name", b.name); w.member("CreationDate", b.created); w.endObject() }
            w.endArray()
        }
    }

    func objects() async -> ServiceResponse {
        guard let bucket = query["bucket"], !bucket.isEmpty else { return ConsoleAPI.error(400, "MissingParameter", "bucket is required") }
        // `flat=1`: every key under the prefix (up to 1,000), as Firehose's latest deliveries are found.
        let flat = query["flat"] == "1"
        var q = "list-type=2&max-keys=\(flat ? 1000 : 100)&prefix=" + QueryItems.encode(query["prefix"] ?? "")
        if !flat { q += "&delimiter=%2F" }
        if let token = query["token"], !token.isEmpty { q += "&continuation-token=" + QueryItems.encode(token) }
        let a = await calls.s3("GET", Self.path(bucket), query: q)
        guard a.ok, let x = Self.xml(a) else { return Self.s3Error(a) }
        return ConsoleAPI.json { w in
            w.member("bucket", bucket)
            w.member("prefix", query["prefix"] ?? "")
            w.key("prefixes"); w.beginArray()
            for p in x.children("CommonPrefixes") { w.string(p.value("Prefix") ?? "") }
            w.endArray()
            w.key("objects"); w.beginArray()
            for o in x.children("Contents") {
                w.beginObject()
                w.member("Key", o.value("Key"))
                w.key("Size"); w.int64(Int64(o.value("Size") ?? "") ?? 0)
                w.member("LastModified", o.value("LastModified"))
                w.member("ETag", o.value("ETag"))
                w.member("StorageClass", o.value("StorageClass"))
                w.endObject()
            }
            w.endArray()
            w.member("nextToken", x.value("IsTruncated") == "true" ? x.value("NextContinuationToken") : nil)
        }
    }

    func object() async -> ServiceResponse {
        guard let bucket = query["bucket"], let key = query["key"] else { return ConsoleAPI.error(400, "MissingParameter", "bucket and key are required") }
        let head = await calls.s3("HEAD", Self.path(bucket, key))
        guard head.ok else { return ConsoleAPI.error(head.status, "NotFound", "No object \(key) in \(bucket).") }
        let versions = await calls.s3("GET", Self.path(bucket), query: "versions=&max-keys=100&prefix=" + QueryItems.encode(key))
        let x = Self.xml(versions)
        return ConsoleAPI.json { w in
            w.member("bucket", bucket)
            w.member("key", key)
            w.key("headers"); w.beginObject()
            for (name, value) in head.headers where Self.shown(name) { w.member(name.lowercased(), value) }
            w.endObject()
            w.key("versions"); w.beginArray()
            for v in (x?.children ?? []) where (v.localName == "Version" || v.localName == "DeleteMarker") && v.value("Key") == key {
                w.beginObject()
                w.member("VersionId", v.value("VersionId"))
                w.member("IsLatest", v.value("IsLatest"))
                w.member("LastModified", v.value("LastModified"))
                w.member("Size", v.value("Size"))
                w.member("DeleteMarker", v.localName == "DeleteMarker" ? "true" : nil)
                w.endObject()
            }
            w.endArray()
        }
    }

    static func shown(_ header: String) -> Bool {
        let h = header.lowercased()
        return ["content-type", "content-length", "etag", "last-modified", "content-encoding", "cache-control", "x-amz-version-id",
                "x-amz-storage-class", "x-amz-server-side-encryption", "x-amz-checksum-type"].contains(h)
            || h.hasPrefix("x-amz-meta-") || h.hasPrefix("x-amz-checksum-")
    }

    func preview() async -> ServiceResponse {
        guard let bucket = query["bucket"], let key = query["key"] else { return ConsoleAPI.error(400, "MissingParameter", "bucket and key are required") }
        let a = await calls.s3("GET", Self.path(bucket, key), maxBytes: Self.previewBytes)
        guard a.ok else { return Self.s3Error(a) }
        let size = Int(a.headers["Content-Length"] ?? "") ?? a.body.count
        let type = a.headers["Content-Type"] ?? ""
        var bytes = a.body
        var gzipped = false
        if bytes.starts(with: [0x1F, 0x8B]) {
            guard size <= Self.previewBytes, let inflated = try? Gzip.decompress(bytes, limit: Self.previewBytes) else {
                return ConsoleAPI.json { w in
                    w.member("kind", "binary"); w.member("note", "gzip data too large or damaged to preview"); w.key("size"); w.int(size)
                }
            }
            bytes = inflated
            gzipped = true
        }
        let image = Self.inlineImages.first { type.hasPrefix($0) } ?? Self.imageType(bytes)
        return ConsoleAPI.json { w in
            w.key("size"); w.int(size)
            w.member("contentType", type)
            w.member("gzip", gzipped)
            if let image, !gzipped {
                w.member("kind", "image")
                w.member("imageType", image)
                return
            }
            guard let text = String(validating: Array(bytes.prefix(Self.previewText)), as: UTF8.self)
                    ?? (bytes.count > Self.previewText ? Self.validPrefix(bytes) : nil) else {
                w.member("kind", "binary")
                w.member("hex", bytes.prefix(512).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " "))
                return
            }
            let truncated = bytes.count > Self.previewText || size > a.body.count
            w.member("truncated", truncated)
            if !truncated, let json = try? JSONParser.parse(bytes), json.object != nil || json.array != nil {
                w.member("kind", "json")
                w.key("json"); w.value(json)
                return
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let parsed = lines.prefix(Self.previewLines).map { try? JSONParser.parse(Array($0.utf8)) }
            if lines.count > 1, parsed.allSatisfy({ $0?.object != nil }) || (parsed.dropLast().allSatisfy { $0?.object != nil } && truncated) {
                w.member("kind", "ndjson")
                w.key("lines"); w.beginArray()
                for p in parsed { if let p { w.value(p) } }
                w.endArray()
                w.key("lineCount"); w.int(lines.count)
                return
            }
            w.member("kind", "text")
            w.member("text", text)
        }
    }

    /// The longest valid UTF-8 prefix of a cut-off text (a character may straddle the cut).
    static func validPrefix(_ bytes: [UInt8]) -> String? {
        for cut in 0..<4 {
            let end = Self.previewText - cut
            guard end > 0 else { break }
            if let s = String(validating: Array(bytes.prefix(end)), as: UTF8.self) { return s }
        }
        return nil
    }

    static func imageType(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        return nil
    }

    func download() async -> ServiceResponse {
        guard let bucket = query["bucket"], let key = query["key"] else { return ConsoleAPI.error(400, "MissingParameter", "bucket and key are required") }
        var object = await calls.s3Object(Self.path(bucket, key))
        guard object.status >= 200 && object.status < 300 else {
            return Self.s3Error(ServiceCalls.Answer(status: object.status, headers: object.headers, body: object.body))
        }
        var headers = Headers()
        let type = object.headers["Content-Type"] ?? ""
        let start = object.file.map { ServiceCalls.read($0, maxBytes: 16) } ?? Array(object.body.prefix(16))
        if query["inline"] == "1", let image = Self.inlineImages.first(where: { type.hasPrefix($0) }) ?? Self.imageType(start) {
            headers.add("Content-Type", image)
        } else {
            headers.add("Content-Type", "application/octet-stream")
            let name = String(key.split(separator: "/").last ?? "object")
            headers.add("Content-Disposition", "attachment; filename*=UTF-8''\(QueryItems.encode(name))")
        }
        headers.add("Cache-Control", "no-store")
        // The object's body as S3 gave it (a file range is sent from the file), under the
        // console's own headers.
        object.status = 200
        object.headers = headers
        return object
    }
}
