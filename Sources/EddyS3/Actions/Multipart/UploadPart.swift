import EddyStorage
import EddyWire

enum UploadPart {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let number = try c.address.partNumber(required: true) ?? 0
        let upload = try Multipart.upload(c, bucket: bucket.name, key: key)
        try Encryption.checkPart(c, upload)
        let body = try c.uploadedBody()
        return try store(c, upload: upload, number: number, body: body) { etag, _ in
            var response = c.empty()
            response.headers.add("ETag", etag)
            for (a, v) in body.checksums { response.headers.add(a.header, v) }
            Encryption.answer(upload.headers, into: &response.headers)
            return response
        }
    }

    static func store(_ c: S3Context, upload: ObjectStore.Upload, number: Int, body: UploadedBody,
                      answer: (String, String?) -> ServiceResponse) throws(S3Error) -> ServiceResponse {
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        let etag = ObjectHeaders.etag(body.md5)
        // A part of a checksummed upload carries the upload's algorithm; a full-object upload's
        // part may come without one (S3 computes it), a composite one's may not.
        var checksum: String?
        if let algorithm = upload.checksumAlgorithm {
            let sent = body.requested
            checksum = sent[algorithm] ?? (sent.isEmpty && upload.checksumType == "FULL_OBJECT" ? body.checksums[algorithm] : nil)
            if checksum == nil {
                c.store.removeFile(file)
                let actual = sent.isEmpty ? "null" : sent.keys.map { $0.rawValue.lowercased() }.sorted().joined(separator: ", ")
                throw S3Error("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: \(algorithm.rawValue.lowercased()), actual checksum Type: \(actual)")
            }
        }
        try c.catalog {
            try c.store.putPart(upload: upload.id, .init(number: number, file: file, size: body.size, etag: etag,
                                                          modifiedMillis: c.now, checksum: checksum))
        }
        return answer(etag, checksum)
    }
}
