import EddyWire

/// Version ids in requests and answers.
enum Versions {
    /// The `versionId` query parameter, checked for the form S3's ids have ("null" or 32
    /// characters of letters, digits, `.` and `_`), so a malformed one is refused before any
    /// lookup.
    static func requested(_ c: S3Context) throws(S3Error) -> String? {
        guard let id = c.query["versionId"] else { return nil }
        try check(id)
        return id
    }

    static func check(_ id: String) throws(S3Error) {
        let wellFormed = id == "null" || (id.utf8.count == 32 && id.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
        })
        guard wellFormed else { throw S3Error.invalidArgument("Invalid version id specified", name: "versionId", value: id) }
    }

    /// The version a GET, HEAD, copy or tagging request addresses: the latest when no id is
    /// given. A delete marker answers as S3 answers it: 404 (the key is deleted) when it is the
    /// latest, 405 when it is asked for by id; both name the marker in their headers.
    static func find(_ c: S3Context, bucket: String, key: String, versionId: String?,
                     head: Bool = false) throws(S3Error) -> ObjectStore.Object {
        guard let found = try c.catalog({ try c.store.version(bucket, key, versionId) }) else {
            if head { throw S3Error("NotFound", "Not Found", status: 404) }
            if let versionId { throw S3Error.noSuchVersion(key, versionId) }
            throw S3Error.noSuchKey(key)
        }
        guard found.isDeleteMarker else { return found }
        let headers = [("x-amz-delete-marker", "true"), ("x-amz-version-id", found.versionId),
                       ("Last-Modified", AWSDate.httpDate(found.modifiedMillis))]
        var error: S3Error
        if versionId != nil {
            error = S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.", status: 405,
                            [("Method", c.request.method), ("ResourceType", "DeleteMarker")])
            error.headers = headers + [("Allow", "DELETE")]
        } else {
            error = head ? S3Error("NotFound", "Not Found", status: 404) : S3Error.noSuchKey(key)
            error.headers = headers
        }
        throw error
    }

    /// `x-amz-version-id` on an answer about a stored version: any version of a bucket that has
    /// had versioning, and a real id wherever it is.
    static func header(_ object: ObjectStore.Object, _ bucket: ObjectStore.Bucket, into headers: inout Headers) {
        if bucket.versioning != nil || object.versionId != "null" { headers.add("x-amz-version-id", object.versionId) }
    }
}
