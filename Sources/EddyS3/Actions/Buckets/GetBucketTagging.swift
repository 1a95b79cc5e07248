import EddyWire

enum GetBucketTagging {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        guard !bucket.tags.isEmpty else {
            throw S3Error("NoSuchTagSet", "The TagSet does not exist", status: 404, [("BucketName", bucket.name)])
        }
        return TagSet.write(bucket.tags, c)
    }
}
