import EddyWire

/// GetBucketAcl and PutBucketAcl.
enum BucketAcl {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let owner = AccessControl.canonicalId(bucket.account)
        switch c.request.method {
        case "GET":
            if let stored = try c.catalog({ try c.store.setting(bucket.name, "acl") }) { return c.document(stored) }
            return c.document(AccessControl.document(owner: owner, grants: [AccessControl.user(owner, .FULL_CONTROL)]))
        case "PUT":
            let grants = try AccessControl.put(c, owner: owner, bucketOwner: owner, forBucket: true)
            try AccessControl.admit(grants, c, bucket, owner: owner)
            let document = AccessControl.isOwnerOnly(grants, owner: owner) ? nil : AccessControl.document(owner: owner, grants: grants)
            try c.catalog { try c.store.setSetting(bucket.name, "acl", document) }
            return c.empty()
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
    }
}

/// GetObjectAcl and PutObjectAcl, of the latest version or one by id.
enum ObjectAcl {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let object = try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c))
        let owner = AccessControl.canonicalId(c.account)
        var response: ServiceResponse
        switch c.request.method {
        case "GET":
            response = c.document(object.acl ?? AccessControl.document(owner: owner, grants: [AccessControl.user(owner, .FULL_CONTROL)]))
        case "PUT":
            let grants = try AccessControl.put(c, owner: owner, bucketOwner: AccessControl.canonicalId(bucket.account), forBucket: false)
            try AccessControl.admit(grants, c, bucket, owner: owner)
            let document = AccessControl.isOwnerOnly(grants, owner: owner) ? nil : AccessControl.document(owner: owner, grants: grants)
            try c.catalog { try c.store.setObjectAcl(object, document) }
            response = c.empty()
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
