import EddyWire

/// CopyObject: metadata and tagging directives, copy-source conditions; the copy is a new
/// single-part object.
enum CopyObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try ObjectKey.check(key)
        let source = try CopySource.resolve(c)
        try Archive.checkStorageClass(c)
        let condition = try WriteConditions.requested(c)
        let encryption = try Encryption.forWrite(c, bucket)
        let acl = try AccessControl.forWrite(c, bucket)
        let lock = try ObjectLock.forWrite(c, bucket)
        let replace = c.headers["x-amz-metadata-directive"]?.uppercased() == "REPLACE"
        if source.bucket == bucket.name && source.key == key && !replace {
            throw S3Error("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        // The copy is a new single-part object: its checksum, of the algorithm asked for, the
        // source's, or S3's default, is computed over the whole body.
        let algorithm = try ChecksumAlgorithm.named(c.headers["x-amz-checksum-algorithm"], header: "x-amz-checksum-algorithm")
            ?? source.checksumAlgorithm ?? .crc64nvme
        let body = try CopySource.copy(c, source.file, offset: 0, length: source.size, checksum: algorithm)
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        let tags = c.headers["x-amz-tagging-directive"]?.uppercased() == "REPLACE"
            ? (c.headers["x-amz-tagging"].map(TagSet.parseHeader) ?? []) : source.tags
        let object = ObjectStore.Object(
            bucket: bucket.name, key: key, file: file, size: body.size, etag: ObjectHeaders.etag(body.md5), modifiedMillis: c.now,
            headers: (replace ? try ObjectHeaders.from(c.headers) : Encryption.without(source.headers).filter { !ObjectHeaders.isInternal($0.0) && !$0.0.hasPrefix("x-amz-object-lock-") }) + encryption + lock,
            checksumAlgorithm: algorithm, checksum: body.checksums[algorithm], checksumType: "FULL_OBJECT", parts: nil, tags: tags, acl: acl)
        let stored = try WriteConditions.put(c, object, versioning: bucket.versioning, condition: condition)
        var response = c.xml { w in
            w.open("CopyObjectResult", namespace: s3Namespace)
            w.element("LastModified", AWSDate.iso8601(c.now))
            w.element("ETag", stored.etag)
            if let a = stored.checksumAlgorithm, let v = stored.checksum {
                w.element("ChecksumType", stored.checksumType ?? "FULL_OBJECT")
                w.element(a.xmlName, v)
            }
            w.close("CopyObjectResult")
        }
        if source.versionId != "null" || c.headers["x-amz-copy-source"]?.contains("versionId=") == true {
            response.headers.add("x-amz-copy-source-version-id", source.versionId)
        }
        if stored.versionId != "null" { response.headers.add("x-amz-version-id", stored.versionId) }
        Encryption.answer(stored.headers, into: &response.headers)
        return response
    }
}
