import EddyWire

enum GetBucketLocation {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        return c.xml { w in
            w.open("LocationConstraint", namespace: s3Namespace)
            // us-east-1 is reported as an empty constraint, as S3 does.
            if bucket.region != "us-east-1" { w.raw(bucket.region) }
            w.close("LocationConstraint")
        }
    }
}