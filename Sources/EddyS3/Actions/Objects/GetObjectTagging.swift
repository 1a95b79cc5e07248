import EddyWire

enum GetObjectTagging {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse { TagSet.write(try TaggedObject.find(c, key: key).tags, c) }
}
