import EddyWire

enum PutObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let (object, bucket) = try TaggedObject.find(c, key: key)
        let tags = try TagSet.parse(c)
        guard tags.count <= 10 else { throw S3Error("BadRequest", "Object tags cannot be greater than 10") }
        try c.catalog { try c.store.setObjectTags(object, tags) }
        var response = c.empty()
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
