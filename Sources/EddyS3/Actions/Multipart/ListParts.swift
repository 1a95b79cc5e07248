import EddyStorage
import EddyWire

enum ListParts {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name, key: key)
        let marker = try c.address.count("part-number-marker", default: 0)
        let maxParts = min(try c.address.count("max-parts", default: 1000), 1000)
        let all = try c.catalog { try c.store.parts(upload.id) }.filter { $0.number > marker }
        let page = all.page(maxParts)
        return c.xml { w in
            w.open("ListPartsResult", namespace: s3Namespace)
            w.element("Bucket", bucket.name)
            w.element("Key", upload.key)
            w.element("UploadId", upload.id)
            w.element("PartNumberMarker", marker)
            if let last = page.last { w.element("NextPartNumberMarker", last.number) }
            w.element("MaxParts", maxParts)
            w.element("IsTruncated", all.count > page.count)
            for p in page {
                w.element("Part") { w in
                    w.element("PartNumber", p.number)
                    w.element("LastModified", AWSDate.iso8601(p.modifiedMillis))
                    w.element("ETag", p.etag)
                    w.element("Size", p.size)
                    if let a = upload.checksumAlgorithm, let v = p.checksum { w.element(a.xmlName, v) }
                }
            }
            Multipart.owner(c, &w)
            w.element("StorageClass", "STANDARD")
            if let a = upload.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
            w.optional("ChecksumType", upload.checksumType)
            w.close("ListPartsResult")
        }
    }
}
