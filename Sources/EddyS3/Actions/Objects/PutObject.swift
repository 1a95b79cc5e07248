import EddyWire

/// PutObject: the body streamed to a file while it is hashed, then renamed into place and
/// committed to the catalog.
enum PutObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let (stored, body) = try store(c, bucket: bucket, key: key, tags: c.headers["x-amz-tagging"].map(TagSet.parseHeader) ?? [])
        var response = c.empty()
        response.headers.add("ETag", stored.etag)
        if stored.versionId != "null" { response.headers.add("x-amz-version-id", stored.versionId) }
        Encryption.answer(stored.headers, into: &response.headers)
        for (a, value) in body.checksums { response.headers.add(a.header, value) }
        if stored.checksumAlgorithm != nil { response.headers.add("x-amz-checksum-type", "FULL_OBJECT") }
        return response
    }

    /// The request's body stored as a new version of `key`, with what its headers ask for
    /// (storage class, condition, encryption, ACL, lock); a PostObject's form is read the same way.
    static func store(_ c: S3Context, bucket: ObjectStore.Bucket, key: String,
                      tags: [(String, String)]) throws(S3Error) -> (ObjectStore.Object, UploadedBody) {
        try ObjectKey.check(key)
        try Archive.checkStorageClass(c)
        let condition = try WriteConditions.requested(c)
        let encryption = try Encryption.forWrite(c, bucket)
        let acl = try AccessControl.forWrite(c, bucket)
        let lock = try ObjectLock.forWrite(c, bucket)
        let body = try c.uploadedBody()
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        // The checksum S3 keeps: the one the client sent or asked for, else its own CRC-64/NVME.
        let algorithm = body.requested.keys.sorted { $0.rawValue < $1.rawValue }.first ?? body.defaulted
        let object = ObjectStore.Object(
            bucket: bucket.name, key: key, file: file, size: body.size, etag: ObjectHeaders.etag(body.md5), modifiedMillis: c.now,
            headers: (try ObjectHeaders.from(c.headers)) + encryption + lock, checksumAlgorithm: algorithm, checksum: algorithm.flatMap { body.checksums[$0] },
            checksumType: algorithm == nil ? nil : "FULL_OBJECT", parts: nil, tags: tags, acl: acl)
        return (try WriteConditions.put(c, object, versioning: bucket.versioning, condition: condition), body)
    }
}
