import EddyWire

enum HeadBucket {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        var response = c.empty()
        response.headers.add("x-amz-bucket-region", bucket.region)
        return response
    }
}