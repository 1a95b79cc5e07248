import EddyWire

/// Multipart uploads: parts are stored files; completing concatenates them into the object.
enum Multipart {
    static let minPartSize = 5 << 20
    static let maxParts = 10_000
    /// Where an upload keeps the ACL its object will have (never sent: it is not a header S3 has).
    static let aclHeader = "eddy-acl-document"

    /// The upload `?uploadId=` names, which must be of this bucket and key.
    static func upload(_ c: S3Context, bucket: String, key: String) throws(S3Error) -> ObjectStore.Upload {
        let id = c.query["uploadId"] ?? ""
        guard let upload = try c.catalog({ try c.store.upload(id) }), upload.bucket == bucket, upload.key == key else {
            throw S3Error.noSuchUpload(id)
        }
        return upload
    }

    /// Runs `body` on the upload held for this request alone (CompleteMultipartUpload and
    /// AbortMultipartUpload): another request finishing the same upload meanwhile means it is
    /// gone, as S3 answers.
    static func withClaimed<T>(_ c: S3Context, _ upload: ObjectStore.Upload, _ body: () throws(S3Error) -> T) throws(S3Error) -> T {
        guard c.store.claimUpload(upload.id) else { throw S3Error.noSuchUpload(upload.id) }
        defer { c.store.releaseUpload(upload.id) }
        // Finished while this request was on its way: the catalog no longer has it.
        guard try c.catalog({ try c.store.upload(upload.id) }) != nil else { throw S3Error.noSuchUpload(upload.id) }
        return try body()
    }

    static func owner(_ c: S3Context, _ w: inout XMLWriter) {
        // No DisplayName: S3 stopped sending owners' display names in 2025.
        w.element("Initiator") { w in w.element("ID", c.account) }
        w.element("Owner") { w in w.element("ID", c.account) }
    }
}