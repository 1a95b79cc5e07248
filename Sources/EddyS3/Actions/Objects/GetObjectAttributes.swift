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
            checksum[checksum: algorithm] = value
            answer.checksum = checksum
        }
        if wanted.contains("ObjectParts"), object.parts != nil {
            answer.objectParts = try parts(c, object)
        }
        if wanted.contains("StorageClass") { answer.storageClass = S3API.StorageClass(rawValue: Lifecycle.storageClass(object)) }
        if wanted.contains("ObjectSize") { answer.objectSize = Int64(object.size) }
        var response = c.document(answer.xmlDocument(root: "GetObjectAttributesResponse", namespace: s3Namespace))
        response.headers.add("Last-Modified", AWSDate.httpDate(object.modifiedMillis))
        Versions.header(object, bucket, into: &response.headers)
        return response
    }

    /// A multipart object's part count and, when its upload had a checksum algorithm, a page
    /// of its parts (`x-amz-max-parts`, default 1,000; `x-amz-part-number-marker`).
    static func parts(_ c: S3Context, _ object: ObjectStore.Object) throws(S3Error) -> S3API.GetObjectAttributesParts {
        let all = try c.catalog { try c.store.completedParts(object.bucket, object.key, object.versionId) } ?? []
        var answer = S3API.GetObjectAttributesParts(totalPartsCount: object.parts ?? all.count)
        guard let algorithm = object.checksumAlgorithm, all.contains(where: { $0.checksum != nil }) else { return answer }
        let maxParts = try count(c, "x-amz-max-parts") ?? 1_000
        let marker = try count(c, "x-amz-part-number-marker") ?? 0
        let page = all.filter { $0.number > marker }.prefix(maxParts)
        answer.partNumberMarker = marker
        answer.maxParts = maxParts
        answer.isTruncated = all.last.map { $0.number > (page.last?.number ?? marker) } ?? false
        answer.nextPartNumberMarker = page.last?.number ?? marker
        answer.parts = page.map { part in
            var p = S3API.ObjectPart(partNumber: part.number, size: Int64(part.size))
            p[checksum: algorithm] = part.checksum
            return p
        }
        return answer
    }

    static func count(_ c: S3Context, _ header: String) throws(S3Error) -> Int? {
        guard let text = c.headers[header] else { return nil }
        guard let value = Int(text), value >= 0, value <= 10_000 else {
            throw S3Error.invalidArgument("Provided \(header) not an integer or within integer range", name: header, value: text)
        }
        return value
    }
}
