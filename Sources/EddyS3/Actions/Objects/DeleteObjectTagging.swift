import EddyWire

enum DeleteObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let o = try TaggedObject.find(c, key: key)
        try c.catalog { try c.store.setObjectTags(o.bucket, o.key, []) }
        return c.empty(204)
    }
}
