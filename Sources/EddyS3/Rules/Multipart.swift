import EddyWire

/// Multipart uploads: parts are stored files; completing concatenates them into the object.
enum Multipart {
    static let minPartSize = 5 << 20
    static let maxParts = 10_000

    /// The upload `?uploadId=` names, which must be of this bucket and key.
    static func upload(_ c: S3Context, bucket: String, key: String) throws(S3Error) -> ObjectStore.Upload {
        let id = c.query["uploadId"] ?? ""
        guard let upload = try c.catalog({ try c.store.upload(id) }), upload.bucket == bucket, upload.key == key else {
            throw S3Error.noSuchUpload(id)
        }
        return upload
    }

    static func owner(_ c: S3Context, _ w: inout XMLWriter) {
        w.element("Initiator") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
        w.element("Owner") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
    }
}