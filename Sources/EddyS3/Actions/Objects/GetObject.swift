#if canImport(Glibc)
import Glibc
#endif
import EddyWire

/// GetObject (and HeadObject): the latest version or one by id, conditions, one byte range, `response-*` overrides, the stored
/// checksum on request; the body is sent from the file.
enum GetObject {
    static func perform(_ c: S3Context, key: String, head: Bool = false) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let object = try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c), head: head)
        try Encryption.checkRead(c, object)
        if !head { try Archive.checkReadable(c, object) }
        try Preconditions.check(c.headers, etag: object.etag, modified: object.modifiedMillis)
        var response = c.empty()
        var offset = 0, length = object.size
        if let number = try c.address.partNumber(required: false) {
            // One part of a multipart object, as parallel downloaders fetch them.
            guard c.headers["Range"] == nil else {
                throw S3Error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter.")
            }
            if let r = try partRange(c, object, number) {
                offset = r.lowerBound
                length = r.count
                response.status = 206
                response.headers.add("Content-Range", "bytes \(r.lowerBound)-\(r.upperBound - 1)/\(object.size)")
            }
        } else if let range = c.headers["Range"], let r = try ByteRange.parse(range, size: object.size) {
            offset = r.lowerBound
            length = r.count
            response.status = 206
            response.headers.add("Content-Range", "bytes \(r.lowerBound)-\(r.upperBound - 1)/\(object.size)")
        }
        for (name, value) in Encryption.without(object.headers) where !ObjectHeaders.isInternal(name) {
            response.headers.add(name, ObjectHeaders.answered(name, value))
        }
        Archive.header(c, object, into: &response.headers)
        Encryption.answer(object.headers, into: &response.headers)
        response.headers.add("ETag", object.etag)
        response.headers.add("Last-Modified", AWSDate.httpDate(object.modifiedMillis))
        response.headers.add("Accept-Ranges", "bytes")
        Versions.header(object, bucket, into: &response.headers)
        if !object.tags.isEmpty { response.headers.add("x-amz-tagging-count", String(object.tags.count)) }
        if let parts = object.parts, try c.address.partNumber(required: false) != nil { response.headers.add("x-amz-mp-parts-count", String(parts)) }
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

    /// The bytes of part `number` of a multipart object; nil for part 1 of any other object
    /// (the whole of it).
    static func partRange(_ c: S3Context, _ object: ObjectStore.Object, _ number: Int) throws(S3Error) -> Range<Int>? {
        let unsatisfiable = S3Error("InvalidPartNumber", "The requested partnumber is not satisfiable", status: 416,
                                    [("PartNumberRequested", String(number)), ("ActualPartCount", String(object.parts ?? 1))])
        guard object.parts != nil else {
            if number == 1 { return nil }
            throw unsatisfiable
        }
        var start = 0
        for part in try c.catalog({ try c.store.completedParts(object.bucket, object.key, object.versionId) }) ?? [] {
            if part.number == number { return start..<(start + part.size) }
            start += part.size
        }
        throw unsatisfiable
    }
}
