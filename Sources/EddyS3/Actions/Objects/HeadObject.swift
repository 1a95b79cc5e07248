import EddyWire

/// HeadObject: GetObject's answer without its body (and 404 without one either).
enum HeadObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        try GetObject.perform(c, key: key, head: true)
    }
}
