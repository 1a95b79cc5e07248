import EddyWire

enum DeleteBucketTagging {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try c.catalog { try c.store.setBucketTags(bucket.name, nil) }
        return c.empty(204)
    }
}
