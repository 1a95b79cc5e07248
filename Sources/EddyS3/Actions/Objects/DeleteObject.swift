import EddyWire

/// DeleteObject: a version by id removed for good, or (without one) the object removed or, in
/// a versioned bucket, hidden behind a new delete marker.
enum DeleteObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let versionId = try Versions.requested(c)
        if let versionId, let version = try c.catalog({ try c.store.version(bucket.name, key, versionId) }) {
            try ObjectLock.checkDelete(c, version)
        }
        let deletion = try c.catalog {
            try c.store.delete(bucket.name, key, versionId: versionId, versioning: bucket.versioning, now: c.now)
        }
        var response = c.empty(204)
        if let deletion {
            if deletion.isDeleteMarker { response.headers.add("x-amz-delete-marker", "true") }
            if let id = deletion.versionId { response.headers.add("x-amz-version-id", id) }
        } else if let versionId {
            response.headers.add("x-amz-version-id", versionId)
        }
        return response
    }
}
