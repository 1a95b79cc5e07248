import EddyWire

/// PutBucketVersioning: Enabled or Suspended (a bucket never returns to unversioned). MFA
/// delete needs a device S3 checks a code from; Eddy has none, so enabling it is refused.
enum PutBucketVersioning {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let configuration: S3API.VersioningConfiguration
        do {
            configuration = try S3API.VersioningConfiguration.decode(xml: try c.parseXML(), named: "VersioningConfiguration")
        } catch {
            throw S3Error.malformedXML
        }
        let mfaDelete = configuration.mfaDelete?.rawValue
        if mfaDelete == "Enabled" {
            guard c.headers["x-amz-mfa"] != nil else {
                throw S3Error("AccessDenied", "Mfa Authentication must be used for this request", status: 403)
            }
            throw S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: Eddy does not verify MFA devices, so it cannot enable MFA delete.", status: 501)
        }
        // No Status leaves the state as it is.
        guard let status = configuration.status else {
            if let mfaDelete, let state = bucket.versioning { try c.catalog { try c.store.setVersioning(bucket.name, state, mfaDelete: mfaDelete) } }
            return c.empty()
        }
        let state: ObjectStore.Versioning = status == .Enabled ? .enabled : .suspended
        if state == .suspended, try ObjectLock.configuration(c, bucket) != nil {
            throw S3Error("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.", status: 409)
        }
        try c.catalog { try c.store.setVersioning(bucket.name, state, mfaDelete: mfaDelete) }
        return c.empty()
    }
}
