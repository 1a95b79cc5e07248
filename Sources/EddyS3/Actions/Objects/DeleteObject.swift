import EddyWire

enum DeleteObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try c.catalog { try c.store.delete(bucket.name, key) }
        return c.empty(204)
    }
}
