import EddyStorage
import EddyWire

enum UploadPartCopy {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let number = try c.address.partNumber(required: true) ?? 0
        let upload = try Multipart.upload(c, bucket: bucket.name, key: key)
        let source = try CopySource.resolve(c)
        var range = 0..<source.size
        if let header = c.headers["x-amz-copy-source-range"] {
            guard let r = try ByteRange.parse(header, size: source.size), header.hasPrefix("bytes="), !header.hasPrefix("bytes=-") else {
                throw S3Error.invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                                              name: "x-amz-copy-source-range", value: header)
            }
            range = r
        }
        let body = try CopySource.copy(c, source.file, offset: range.lowerBound, length: range.count, checksum: upload.checksumAlgorithm)
        return try UploadPart.store(c, upload: upload, number: number, body: body) { etag, checksum in
            c.xml { w in
                w.open("CopyPartResult", namespace: s3Namespace)
                w.element("LastModified", AWSDate.iso8601(c.now))
                w.element("ETag", etag)
                if let a = upload.checksumAlgorithm, let checksum { w.element(a.xmlName, checksum) }
                w.close("CopyPartResult")
            }
        }
    }
}
