import EddyStorage
import EddyWire

enum CompleteMultipartUpload {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name, key: key)
        // One completion at a time: a concurrent one finds the upload gone (NoSuchUpload).
        return try Multipart.withClaimed(c, upload) { () throws(S3Error) -> ServiceResponse in
            let condition = try WriteConditions.requested(c)
            let document: S3API.CompletedMultipartUpload
            do {
                document = try S3API.CompletedMultipartUpload.decode(xml: try c.parseXML(), named: "CompleteMultipartUpload")
            } catch {
                throw S3Error.malformedXML
            }
            let requested = document.parts ?? []
            guard !requested.isEmpty else { throw S3Error.malformedXML }
            let stored = Dictionary(try c.catalog { try c.store.parts(upload.id) }.map { ($0.number, $0) }, uniquingKeysWith: { $1 })
            var chosen: [ObjectStore.Part] = []
            var previous = 0
            for p in requested {
                guard let n = p.partNumber, n >= 1, n <= Multipart.maxParts else { throw S3Error.malformedXML }
                guard n > previous else {
                    throw S3Error("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", [("UploadId", upload.id)])
                }
                previous = n
                let etag = p.eTag ?? ""
                guard let part = stored[n], part.etag == etag || part.etag == "\"\(etag)\"" else {
                    throw S3Error("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                                  [("UploadId", upload.id), ("PartNumber", String(n)), ("ETag", etag)])
                }
                if let a = upload.checksumAlgorithm, upload.checksumType != "FULL_OBJECT", p[checksum: a] == nil {
                    throw S3Error("InvalidRequest", "The upload was created using a \(a.rawValue.lowercased()) checksum. The complete request must include the checksum for each part. It was missing for part \(n) in the request.")
                }
                if let a = upload.checksumAlgorithm, let sent = p[checksum: a], let kept = part.checksum, sent != kept {
                    throw S3Error("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                                  [("UploadId", upload.id), ("PartNumber", String(n))])
                }
                chosen.append(part)
            }
            for part in chosen.dropLast() where part.size < Multipart.minPartSize {
                throw S3Error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
                              [("ProposedSize", String(part.size)), ("MinSizeAllowed", String(Multipart.minPartSize)),
                               ("PartNumber", String(part.number)), ("ETag", part.etag)])
            }
            let type = try Self.checksumType(c, upload)
            // An upload that named no algorithm gets S3's default, over the whole object.
            let algorithm = upload.checksumAlgorithm ?? .crc64nvme
            let body = try concatenate(c, chosen, fullObject: type == "FULL_OBJECT" ? algorithm : nil)
            // The multipart ETag: MD5 of the parts' binary MD5s, then "-<count>".
            let md5s = chosen.flatMap { part -> [UInt8] in hexBytes(part.etag) }
            let digest = DigestChecksum.md5()
            digest.update(md5s)
            let etag = "\"" + Hex.lower(digest.finish()) + "-\(chosen.count)\""
            let checksum: String
            if type == "FULL_OBJECT" {
                checksum = body.checksums[algorithm] ?? ""
            } else {
                let h = algorithm.makeHasher()
                for part in chosen { if let v = part.checksum, let raw = try? Base64.decode(v) { h.update(raw) } }
                checksum = Base64.encode(h.finish()) + "-\(chosen.count)"
            }
            // A checksum of the whole object sent with the request must be the one S3 computed.
            if let sent = c.headers[algorithm.header], sent != checksum, sent + "-\(chosen.count)" != checksum {
                FileSystem.remove(body.temporaryPath)
                throw S3Error("BadDigest", "The \(algorithm.rawValue) you specified did not match the calculated checksum.")
            }
            let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
            var headers = upload.headers
            let tagging = headers.first { $0.0 == "x-amz-tagging" }?.1
            headers.removeAll { $0.0 == "x-amz-tagging" }
            let acl = headers.first { $0.0 == Multipart.aclHeader }.flatMap { try? Base64.decode($0.1) }
            headers.removeAll { $0.0 == Multipart.aclHeader }
            let object = ObjectStore.Object(bucket: bucket.name, key: upload.key, file: file, size: body.size, etag: etag, modifiedMillis: c.now,
                                            headers: headers, checksumAlgorithm: algorithm, checksum: checksum,
                                            checksumType: type, parts: chosen.count, tags: tagging.map(TagSet.parseHeader) ?? [],
                                            acl: acl, partList: chosen.map { .init(number: $0.number, size: $0.size, checksum: $0.checksum) })
            let completed = try WriteConditions.put(c, object, versioning: bucket.versioning, condition: condition)
            try c.catalog { try c.store.finishUpload(upload.id) }
            var response = c.xml { w in
                w.open("CompleteMultipartUploadResult", namespace: s3Namespace)
                w.element("Location", "/\(bucket.name)/\(URLCoding.encode(upload.key))")
                w.element("Bucket", bucket.name)
                w.element("Key", upload.key)
                w.element("ETag", etag)
                w.element(algorithm.xmlName, checksum)
                w.element("ChecksumType", type)
                w.close("CompleteMultipartUploadResult")
            }
            if completed.versionId != "null" { response.headers.add("x-amz-version-id", completed.versionId) }
            Encryption.answer(completed.headers, into: &response.headers)
            return response
        }
    }

    /// The upload's checksum type, which the request may repeat but not contradict.
    static func checksumType(_ c: S3Context, _ upload: ObjectStore.Upload) throws(S3Error) -> String {
        let type = upload.checksumType ?? "FULL_OBJECT"
        if let sent = c.headers["x-amz-checksum-type"]?.uppercased(), sent != type {
            throw S3Error("InvalidRequest", "The upload was created using the \(type) checksum mode. The complete request must use the same checksum mode.")
        }
        return type
    }

    static func hexBytes(_ etag: String) -> [UInt8] {
        let hex = Array(etag.utf8.filter { $0 != UInt8(ascii: "\"") })
        return stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16) }
    }

    /// Writes the parts one after another into a new temporary file.
    static func concatenate(_ c: S3Context, _ parts: [ObjectStore.Part], fullObject: ChecksumAlgorithm?) throws(S3Error) -> UploadedBody {
        try StoredFiles.upload(c, parts.map { ($0.file, 0, $0.size) }, checksum: fullObject)
    }
}
