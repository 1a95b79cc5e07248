import EddyWire

enum PutBucketTagging {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let tags = try TagSet.parse(c)
        try c.catalog { try c.store.setBucketTags(bucket.name, tags) }
        return c.empty(204)
    }
}
