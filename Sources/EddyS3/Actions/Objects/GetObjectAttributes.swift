import EddyWire

/// GetObjectAttributes (`GET ?attributes`): the attributes named in `x-amz-object-attributes`
/// of the latest version or one by id, without the body.
enum GetObjectAttributes {
    static let names: Set<String> = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]

    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let asked = (c.headers["x-amz-object-attributes"] ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard !asked.isEmpty else {
            throw S3Error("InvalidArgument", "Missing required header for this request: x-amz-object-attributes",
                          [("ArgumentName", "x-amz-object-attributes")])
        }
        for name in asked where !names.contains(name) {
            throw S3Error.invalidArgument("Invalid attribute name specified.", name: "x-amz-object-attributes", value: name)
        }
        let object = try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c))
        try Encryption.checkRead(c, object)
        let wanted = Set(asked)
        var answer = S3API.GetObjectAttributesOutput()
        // Here S3 writes the ETag without its quotes.
        if wanted.contains("ETag") { answer.eTag = String(object.etag.filter { $0 != "\"" }) }
        if wanted.contains("Checksum"), let algorithm = object.checksumAlgorithm, let value = object.checksum {
            var checksum = S3API.Checksum(checksumType: object.checksumType.flatMap(S3API.ChecksumType.init(rawValue:)))
            switch algorithm {
            case .crc32: checksum.checksumCRC32 = value
            case .crc32c: checksum.checksumCRC32C = value
            case .crc64nvme: checksum.checksumCRC64NVME = value
            case .sha1: checksum.checksumSHA1 = value
            case .sha256: checksum.checksumSHA256 = value
            }
            answer.checksum = checksum
        }
        if wanted.contains("ObjectParts"), let parts = object.parts { answer.objectParts = S3API.GetObjectAttributesParts(totalPartsCount: parts) }
        if wanted.contains("StorageClass") { answer.storageClass = S3API.StorageClass(rawValue: Lifecycle.storageClass(object)) }
        if wanted.contains("ObjectSize") { answer.objectSize = Int64(object.size) }
        var response = c.document(answer.xmlDocument(root: "GetObjectAttributesResponse", namespace: s3Namespace))
        response.headers.add("Last-Modified", AWSDate.httpDate(object.modifiedMillis))
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
