import EddyStorage
import EddyWire

enum ListMultipartUploads {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let prefix = c.query["prefix"] ?? ""
        let maxUploads = min(try c.address.count("max-uploads", default: 1000), 1000)
        var uploads = try c.catalog { try c.store.uploads(bucket.name, prefix: prefix) }
        if let keyMarker = c.query["key-marker"], !keyMarker.isEmpty {
            let idMarker = c.query["upload-id-marker"]
            uploads = uploads.filter { u in u.key > keyMarker || (u.key == keyMarker && idMarker.map { u.id > $0 } == true) }
        }
        let page = uploads.page(maxUploads)
        return c.xml { w in
            w.open("ListMultipartUploadsResult", namespace: s3Namespace)
            w.element("Bucket", bucket.name)
            w.element("KeyMarker", c.query["key-marker"] ?? "")
            w.element("UploadIdMarker", c.query["upload-id-marker"] ?? "")
            if uploads.count > page.count, let last = page.last {
                w.element("NextKeyMarker", last.key)
                w.element("NextUploadIdMarker", last.id)
            }
            w.element("Prefix", prefix)
            w.element("MaxUploads", maxUploads)
            w.element("IsTruncated", uploads.count > page.count)
            for u in page {
                w.element("Upload") { w in
                    w.element("Key", u.key)
                    w.element("UploadId", u.id)
                    Multipart.owner(c, &w)
                    w.element("StorageClass", "STANDARD")
                    w.element("Initiated", AWSDate.iso8601(u.initiatedMillis))
                    if let a = u.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
                }
            }
            w.close("ListMultipartUploadsResult")
        }
    }
}
