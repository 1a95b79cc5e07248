import EddyWire

/// GetBucketVersioning: an empty configuration for a bucket that never had versioning.
enum GetBucketVersioning {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        return c.xml { w in
            w.open("VersioningConfiguration", namespace: s3Namespace)
            w.optional("Status", bucket.versioning?.rawValue)
            w.optional("MfaDelete", bucket.mfaDelete)
            w.close("VersioningConfiguration")
        }
    }
}
