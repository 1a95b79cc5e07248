import EddyWire

enum DeleteObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let (object, bucket) = try TaggedObject.find(c, key: key)
        try c.catalog { try c.store.setObjectTags(object, []) }
        var response = c.empty(204)
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
