import EddyWire

enum PutObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let o = try TaggedObject.find(c, key: key)
        let tags = try TagSet.parse(c)
        guard tags.count <= 10 else { throw S3Error("BadRequest", "Object tags cannot be greater than 10") }
        try c.catalog { try c.store.setObjectTags(o.bucket, o.key, tags) }
        return c.empty()
    }
}
