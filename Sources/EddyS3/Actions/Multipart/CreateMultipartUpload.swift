import EddyStorage
import EddyWire

enum CreateMultipartUpload {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try ObjectKey.check(key)
        let algorithm = try ChecksumAlgorithm.named(c.headers["x-amz-checksum-algorithm"], header: "x-amz-checksum-algorithm")
        var type = c.headers["x-amz-checksum-type"]?.uppercased()
        if let algorithm, type == nil { type = algorithm == .crc64nvme ? "FULL_OBJECT" : "COMPOSITE" }
        if let type, type != "FULL_OBJECT" && type != "COMPOSITE" {
            throw S3Error.invalidArgument("Invalid value for x-amz-checksum-type header.", name: "x-amz-checksum-type", value: type)
        }
        if type != nil, algorithm == nil {
            throw S3Error("InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
        }
        if type == "FULL_OBJECT", let algorithm, !algorithm.isCRC {
            throw S3Error("InvalidRequest", "The FULL_OBJECT checksum type cannot be used with the \(algorithm.rawValue.lowercased()) checksum algorithm.")
        }
        if type == "COMPOSITE", algorithm == .crc64nvme {
            throw S3Error("InvalidRequest", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
        }
        var headers = (try ObjectHeaders.from(c.headers)) + (try Encryption.forWrite(c, bucket)) + (try ObjectLock.forWrite(c, bucket))
        if let tagging = c.headers["x-amz-tagging"] { headers.append(("x-amz-tagging", tagging)) }
        // The ACL asked for is kept with the upload until it is completed.
        if let acl = try AccessControl.forWrite(c, bucket) { headers.append((Multipart.aclHeader, Base64.encode(acl))) }
        let upload = ObjectStore.Upload(id: ObjectStore.newId() + ObjectStore.newId(), bucket: bucket.name, key: key,
                                        initiatedMillis: c.now, headers: headers, checksumAlgorithm: algorithm, checksumType: type)
        try c.catalog { try c.store.createUpload(upload) }
        var response = c.xml { w in
            w.open("InitiateMultipartUploadResult", namespace: s3Namespace)
            w.element("Bucket", bucket.name)
            w.element("Key", key)
            w.element("UploadId", upload.id)
            w.close("InitiateMultipartUploadResult")
        }
        Encryption.answer(headers, into: &response.headers)
        if let algorithm {
            response.headers.add("x-amz-checksum-algorithm", algorithm.rawValue)
            if let type { response.headers.add("x-amz-checksum-type", type) }
        }
        return response
    }
}
