import EddyWire

enum DeleteBucket {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        if try c.catalog({ try c.store.objectCount(bucket.name) }) > 0 {
            throw S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", status: 409, [("BucketName", bucket.name)])
        }
        try c.catalog { try c.store.deleteBucket(bucket.name) }
        return c.empty(204)
    }
}