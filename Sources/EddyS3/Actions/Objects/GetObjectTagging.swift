import EddyWire

enum GetObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let (object, bucket) = try TaggedObject.find(c, key: key)
        var response = TagSet.write(object.tags, c)
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
