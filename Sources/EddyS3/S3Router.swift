import EddyWire

/// Maps method, bucket, key and sub-resource to an S3 operation, as S3's REST API defines them.
enum S3Router {
    /// Sub-resources Eddy does not implement: answered with NotImplemented naming them.
    static let unsupported = ["acl", "policy", "versioning", "lifecycle", "cors", "website", "logging", "notification",
                              "replication", "encryption", "object-lock", "retention", "legal-hold", "accelerate",
                              "requestPayment", "analytics", "metrics", "inventory", "intelligent-tiering", "ownershipControls",
                              "publicAccessBlock", "policyStatus", "restore", "select", "torrent", "versions", "attributes"]

    static func route(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let q = c.query
        let method = c.request.method
        if let name = unsupported.first(where: { q[$0] != nil }) {
            throw S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: Eddy does not implement the S3 ?\(name) sub-resource.", status: 501)
        }
        guard c.address.bucket != nil else {
            guard method == "GET" else { throw methodNotAllowed(method) }
            return try ListBuckets.perform(c)
        }
        if c.address.key == nil {
            switch method {
            case "PUT":
                if q["tagging"] != nil { return try BucketTagging.put(c) }
                return try CreateBucket.perform(c)
            case "HEAD": return try HeadBucket.perform(c)
            case "DELETE":
                if q["tagging"] != nil { return try BucketTagging.delete(c) }
                return try DeleteBucket.perform(c)
            case "GET":
                if q["location"] != nil { return try GetBucketLocation.perform(c) }
                if q["tagging"] != nil { return try BucketTagging.get(c) }
                if q["uploads"] != nil { return try ListMultipartUploads.perform(c) }
                return try ListObjects.perform(c)
            case "POST":
                if q["delete"] != nil { return try DeleteObjects.perform(c) }
                throw methodNotAllowed(method)
            default: throw methodNotAllowed(method)
            }
        }
        switch method {
        case "PUT":
            if q["tagging"] != nil { return try ObjectTagging.put(c) }
            if q["uploadId"] != nil {
                return c.headers["x-amz-copy-source"] != nil ? try UploadPartCopy.perform(c) : try UploadPart.perform(c)
            }
            if c.headers["x-amz-copy-source"] != nil { return try CopyObject.perform(c) }
            return try PutObject.perform(c)
        case "GET":
            if q["tagging"] != nil { return try ObjectTagging.get(c) }
            if q["uploadId"] != nil { return try ListParts.perform(c) }
            return try GetObject.perform(c, head: false)
        case "HEAD": return try GetObject.perform(c, head: true)
        case "DELETE":
            if q["tagging"] != nil { return try ObjectTagging.delete(c) }
            if q["uploadId"] != nil { return try AbortMultipartUpload.perform(c) }
            return try DeleteObject.perform(c)
        case "POST":
            if q["uploads"] != nil { return try CreateMultipartUpload.perform(c) }
            if q["uploadId"] != nil { return try CompleteMultipartUpload.perform(c) }
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
