import EddyWire

/// PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy: the document kept as it was sent.
enum BucketPolicyActions {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        switch c.request.method {
        case "PUT":
            let policy = try BucketPolicy(c.request.body, bucket: bucket.name)
            if policy.isPublic, try PublicAccess.blocks(\.blockPublicPolicy, c, bucket) {
                throw S3Error("AccessDenied", "User: arn:aws:iam::\(c.account):root is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::\(bucket.name)\" because public policies are blocked by the BlockPublicPolicy block public access setting.", status: 403)
            }
            try c.catalog { try c.store.setSetting(bucket.name, "policy", c.request.body) }
            return c.empty(204)
        case "GET":
            guard let stored = try c.catalog({ try c.store.setting(bucket.name, "policy") }) else { throw noSuchPolicy(bucket.name) }
            var response = c.empty()
            response.headers.add("Content-Type", "application/json")
            response.body = stored
            return response
        case "DELETE":
            try c.catalog { try c.store.setSetting(bucket.name, "policy", nil) }
            return c.empty(204)
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
    }

    static func noSuchPolicy(_ bucket: String) -> S3Error {
        S3Error("NoSuchBucketPolicy", "The bucket policy does not exist", status: 404, [("BucketName", bucket)])
    }
}

/// GetBucketPolicyStatus: whether the bucket's policy makes it public.
enum GetBucketPolicyStatus {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        guard c.request.method == "GET" else { throw S3Router.methodNotAllowed(c.request.method) }
        guard let stored = try c.catalog({ try c.store.setting(bucket.name, "policy") }) else {
            throw BucketPolicyActions.noSuchPolicy(bucket.name)
        }
        let policy = try BucketPolicy(stored, bucket: bucket.name)
        return c.xml { w in
            w.open("PolicyStatus", namespace: s3Namespace)
            w.element("IsPublic", policy.isPublic)
            w.close("PolicyStatus")
        }
    }
}

/// The bucket's Block Public Access settings.
enum PublicAccess {
    static func blocks(_ setting: KeyPath<S3API.PublicAccessBlockConfiguration, Bool?>, _ c: S3Context,
                       _ bucket: ObjectStore.Bucket) throws(S3Error) -> Bool {
        guard let stored = try c.catalog({ try c.store.setting(bucket.name, "publicAccessBlock") }),
              let element = try? XMLElement.parse(stored),
              let configuration = try? S3API.PublicAccessBlockConfiguration.decode(xml: element, named: "PublicAccessBlockConfiguration")
        else { return false }
        return configuration[keyPath: setting] == true
    }
}
