import EddyStorage
import EddyWire

enum AbortMultipartUpload {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name, key: key)
        return try Multipart.withClaimed(c, upload) { () throws(S3Error) -> ServiceResponse in
            try c.catalog { try c.store.finishUpload(upload.id) }
            return c.empty(204)
        }
    }
}
