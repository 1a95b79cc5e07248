import EddyWire

/// Maps method, bucket, key and sub-resource to an S3 operation, as S3's REST API defines them.
enum S3Router {
    /// Sub-resources Eddy does not implement: answered with NotImplemented naming them.
    static let unsupported = ["select", "torrent"]

    static func route(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let q = c.query
        let method = c.request.method
        if let name = unsupported.first(where: { q[$0] != nil }) {
            throw S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: Eddy does not implement the S3 ?\(name) sub-resource.", status: 501)
        }
        if method == "OPTIONS", let bucket = c.address.bucket { return try Preflight.perform(c, bucket: bucket) }
        guard let bucket = c.address.bucket else {
            guard method == "GET" else { throw methodNotAllowed(method) }
            return try ListBuckets.perform(c)
        }
        guard let key = c.address.key else {
            if let configuration = BucketConfiguration.named(q) { return try BucketConfigurations.perform(c, configuration) }
            if let configuration = IdentifiedConfiguration.named(q) { return try IdentifiedConfigurations.perform(c, configuration) }
            if q["policy"] != nil { return try BucketPolicyActions.perform(c) }
            if q["acl"] != nil { return try BucketAcl.perform(c) }
            if q["object-lock"] != nil { return try BucketObjectLock.perform(c) }
            if q["policyStatus"] != nil { return try GetBucketPolicyStatus.perform(c) }
            switch method {
            case "PUT":
                if q["tagging"] != nil { return try PutBucketTagging.perform(c) }
                if q["versioning"] != nil { return try PutBucketVersioning.perform(c) }
                return try CreateBucket.perform(c, name: bucket)
            case "HEAD": return try HeadBucket.perform(c)
            case "DELETE":
                if q["tagging"] != nil { return try DeleteBucketTagging.perform(c) }
                return try DeleteBucket.perform(c)
            case "GET":
                if q["location"] != nil { return try GetBucketLocation.perform(c) }
                if q["tagging"] != nil { return try GetBucketTagging.perform(c) }
                if q["uploads"] != nil { return try ListMultipartUploads.perform(c) }
                if q["versioning"] != nil { return try GetBucketVersioning.perform(c) }
                if q["versions"] != nil { return try ListObjectVersions.perform(c) }
                return try ListObjects.perform(c)
            case "POST":
                if q["delete"] != nil { return try DeleteObjects.perform(c) }
                if let boundary = c.headers["Content-Type"].flatMap(MultipartForm.boundary) {
                    return try PostObject.perform(c, bucket: bucket, boundary: boundary)
                }
                throw methodNotAllowed(method)
            default: throw methodNotAllowed(method)
            }
        }
        if q["acl"] != nil { return try ObjectAcl.perform(c, key: key) }
        if q["retention"] != nil { return try ObjectLockSettings.perform(c, key: key, legalHold: false) }
        if q["legal-hold"] != nil { return try ObjectLockSettings.perform(c, key: key, legalHold: true) }
        switch method {
        case "PUT":
            if q["tagging"] != nil { return try PutObjectTagging.perform(c, key: key) }
            if q["uploadId"] != nil {
                return c.headers["x-amz-copy-source"] != nil ? try UploadPartCopy.perform(c, key: key) : try UploadPart.perform(c, key: key)
            }
            if c.headers["x-amz-copy-source"] != nil { return try CopyObject.perform(c, key: key) }
            return try PutObject.perform(c, key: key)
        case "GET":
            if q["tagging"] != nil { return try GetObjectTagging.perform(c, key: key) }
            if q["uploadId"] != nil { return try ListParts.perform(c, key: key) }
            if q["attributes"] != nil { return try GetObjectAttributes.perform(c, key: key) }
            return try GetObject.perform(c, key: key)
        case "HEAD": return try HeadObject.perform(c, key: key)
        case "DELETE":
            if q["tagging"] != nil { return try DeleteObjectTagging.perform(c, key: key) }
            if q["uploadId"] != nil { return try AbortMultipartUpload.perform(c, key: key) }
            return try DeleteObject.perform(c, key: key)
        case "POST":
            if q["uploads"] != nil { return try CreateMultipartUpload.perform(c, key: key) }
            if q["restore"] != nil { return try RestoreObject.perform(c, key: key) }
            if q["uploadId"] != nil { return try CompleteMultipartUpload.perform(c, key: key) }
            throw methodNotAllowed(method)
        default:
            throw methodNotAllowed(method)
        }
    }

    static func methodNotAllowed(_ method: String) -> S3Error {
        S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.", status: 405,
                [("Method", method), ("ResourceType", "OBJECT")])
    }
}
