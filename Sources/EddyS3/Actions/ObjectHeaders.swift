import EddyWire

/// The headers S3 stores with an object and returns on GET/HEAD.
enum ObjectHeaders {
    static let stored = ["content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires",
                         "x-amz-website-redirect-location", "x-amz-storage-class"]

    /// What a PutObject / CreateMultipartUpload / CopyObject (REPLACE) keeps from the request.
    static func from(_ headers: Headers) -> [(String, String)] {
        var kept: [(String, String)] = []
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix("x-amz-meta-") {
                kept.append((lower, value))
            } else if stored.contains(lower) {
                if lower == "content-encoding" {
                    // aws-chunked is the transfer's encoding, not the object's.
                    let rest = value.split(separator: ",").map { String($0).trimmingSpaces }.filter { $0 != "aws-chunked" && !$0.isEmpty }
                    if !rest.isEmpty { kept.append((lower, rest.joined(separator: ","))) }
                } else {
                    kept.append((lower, value))
                }
            }
        }
        if !kept.contains(where: { $0.0 == "content-type" }) { kept.append(("content-type", "binary/octet-stream")) }
        return kept
    }

    static func etag(_ md5: [UInt8]) -> String { "\"" + Hex.encode(md5) + "\"" }
}

enum PutObject {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let key = c.address.key!
        try checkKey(key)
        let body = try c.uploadedBody()
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        // The checksum S3 keeps: the one the client sent or asked for.
        let algorithm = body.checksums.keys.sorted { $0.rawValue < $1.rawValue }.first
        let object = ObjectStore.Object(
            bucket: bucket.name, key: key, file: file, size: body.size, etag: ObjectHeaders.etag(body.md5), modifiedMillis: c.now,
            headers: ObjectHeaders.from(c.headers), checksumAlgorithm: algorithm, checksum: algorithm.flatMap { body.checksums[$0] },
            checksumType: algorithm == nil ? nil : "FULL_OBJECT", parts: nil,
            tags: c.headers["x-amz-tagging"].map(TagSet.parseHeader) ?? [])
        do {
            try c.store.put(object)
        } catch {
            c.store.removeFile(file)
            throw S3Error.internalError("\(error)")
        }
        var response = c.empty()
        response.headers.add("ETag", object.etag)
        for (a, value) in body.checksums { response.headers.add(a.header, value) }
        if algorithm != nil { response.headers.add("x-amz-checksum-type", "FULL_OBJECT") }
        return response
    }

    static func checkKey(_ key: String) throws(S3Error) {
        if key.utf8.count > 1024 {
            throw S3Error("KeyTooLongError", "Your key is too long", [("MaxSizeAllowed", "1024"), ("Size", String(key.utf8.count))])
        }
    }
}

enum GetObject {
    static func perform(_ c: S3Context, head: Bool) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let key = c.address.key!
        guard let object = try c.catalog({ try c.store.object(bucket.name, key) }) else {
            if head { throw S3Error("NotFound", "Not Found", status: 404) }
            throw S3Error.noSuchKey(key)
        }
        try Preconditions.check(c.headers, etag: object.etag, modified: object.modifiedMillis)
        var response = c.empty()
        var offset = 0, length = object.size
        if let range = c.headers["Range"], let r = try ByteRange.parse(range, size: object.size) {
            offset = r.lowerBound
            length = r.count
            response.status = 206
            response.headers.add("Content-Range", "bytes \(r.lowerBound)-\(r.upperBound - 1)/\(object.size)")
        }
        for (name, value) in object.headers { response.headers.add(name, value) }
        response.headers.add("ETag", object.etag)
        response.headers.add("Last-Modified", AWSDate.httpDate(object.modifiedMillis))
        response.headers.add("Accept-Ranges", "bytes")
        if !object.tags.isEmpty { response.headers.add("x-amz-tagging-count", String(object.tags.count)) }
        if let parts = object.parts, c.query["partNumber"] != nil { response.headers.add("x-amz-mp-parts-count", String(parts)) }
        if c.headers["x-amz-checksum-mode"]?.uppercased() == "ENABLED", response.status == 200,
           let algorithm = object.checksumAlgorithm, let value = object.checksum {
            response.headers.add(algorithm.header, value)
            if let type = object.checksumType { response.headers.add("x-amz-checksum-type", type) }
        }
        for (param, header) in [("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
                                ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
                                ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding")] {
            if let value = c.query[param] {
                response.headers.fields.removeAll { $0.name.lowercased() == header.lowercased() }
                response.headers.add(header, value)
            }
        }
        if head {
            // HEAD announces the length of the body it does not send.
            response.declaredLength = length
            return response
        }
        if length == 0 { return response }
        let fd = open(c.store.path(object.file), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw S3Error.internalError("object file for \(key) is missing") }
        response.file = FileBody(descriptor: fd, offset: offset, length: length)
        return response
    }
}

/// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since as S3 evaluates them.
enum Preconditions {
    static func check(_ headers: Headers, etag: String, modified: Int64) throws(S3Error) {
        let modifiedSeconds = modified / 1000 * 1000
        func matches(_ list: String) -> Bool {
            list.split(separator: ",").contains { t in
                let tag = String(t).trimmingSpaces
                return tag == "*" || tag == etag || "\"\(tag)\"" == etag
            }
        }
        if let ifMatch = headers["If-Match"] {
            if !matches(ifMatch) { throw S3Error.preconditionFailed }
        } else if let since = headers["If-Unmodified-Since"].flatMap(AWSDate.parse), modifiedSeconds > since {
            throw S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412,
                          [("Condition", "If-Unmodified-Since")])
        }
        if let ifNoneMatch = headers["If-None-Match"] {
            if matches(ifNoneMatch) { throw S3Error.notModified }
        } else if let since = headers["If-Modified-Since"].flatMap(AWSDate.parse), modifiedSeconds <= since {
            throw S3Error.notModified
        }
    }
}

/// A single `Range: bytes=…` (S3 serves one range per request).
enum ByteRange {
    /// nil when the header is not a range S3 honours (then the whole object is sent).
    static func parse(_ header: String, size: Int) throws(S3Error) -> Range<Int>? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let unsatisfiable = S3Error("InvalidRange", "The requested range is not satisfiable", status: 416,
                                    [("RangeRequested", header), ("ActualObjectSize", String(size))])
        if parts[0].isEmpty {
            guard let n = Int(parts[1]) else { return nil }
            guard n > 0, size > 0 else { throw unsatisfiable }
            return max(0, size - n)..<size
        }
        guard let start = Int(parts[0]) else { return nil }
        let end = parts[1].isEmpty ? size - 1 : (Int(parts[1]) ?? -1)
        guard end >= start || parts[1].isEmpty else { return nil }
        guard start < size else { throw unsatisfiable }
        return start..<(min(end, size - 1) + 1)
    }
}

enum DeleteObject {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try c.catalog { try c.store.delete(bucket.name, c.address.key!) }
        return c.empty(204)
    }
}

enum DeleteObjects {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let root = try c.parseXML()
        guard root.localName == "Delete" else { throw S3Error.malformedXML }
        let quiet = root.value("Quiet") == "true"
        let keys = root.children("Object").compactMap { $0.value("Key") }
        guard keys.count <= 1000 else { throw S3Error.malformedXML }
        var errors: [(String, S3Error)] = []
        var deleted: [String] = []
        for key in keys {
            do {
                try c.store.delete(bucket.name, key)
                deleted.append(key)
            } catch {
                errors.append((key, S3Error.internalError("\(error)")))
            }
        }
        return c.xml { w in
            w.open("DeleteResult", namespace: s3Namespace)
            if !quiet { for key in deleted { w.element("Deleted") { w in w.element("Key", key) } } }
            for (key, e) in errors {
                w.element("Error") { w in w.element("Key", key); w.element("Code", e.code); w.element("Message", e.message) }
            }
            w.close("DeleteResult")
        }
    }
}

enum ObjectTagging {
    static func object(_ c: S3Context) throws(S3Error) -> ObjectStore.Object {
        let bucket = try c.bucket()
        guard let o = try c.catalog({ try c.store.object(bucket.name, c.address.key!) }) else { throw S3Error.noSuchKey(c.address.key!) }
        return o
    }

    static func put(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let o = try object(c)
        let tags = try TagSet.parse(c)
        guard tags.count <= 10 else { throw S3Error("BadRequest", "Object tags cannot be greater than 10") }
        try c.catalog { try c.store.setObjectTags(o.bucket, o.key, tags) }
        return c.empty()
    }

    static func get(_ c: S3Context) throws(S3Error) -> ServiceResponse { TagSet.write(try object(c).tags, c) }

    static func delete(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let o = try object(c)
        try c.catalog { try c.store.setObjectTags(o.bucket, o.key, []) }
        return c.empty(204)
    }
}

#if canImport(Glibc)
import Glibc
#endif
