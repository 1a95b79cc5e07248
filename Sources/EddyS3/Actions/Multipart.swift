import EddyStorage
import EddyWire
#if canImport(Glibc)
import Glibc
#endif

/// Multipart uploads: parts are stored files; completing concatenates them into the object.
enum Multipart {
    static let minPartSize = 5 << 20
    static let maxParts = 10_000

    static func upload(_ c: S3Context, bucket: String) throws(S3Error) -> ObjectStore.Upload {
        let id = c.query["uploadId"] ?? ""
        guard let upload = try c.catalog({ try c.store.upload(id) }), upload.bucket == bucket, upload.key == c.address.key else {
            throw S3Error.noSuchUpload(id)
        }
        return upload
    }

    static func partNumber(_ c: S3Context) throws(S3Error) -> Int {
        guard let text = c.query["partNumber"], let n = Int(text), n >= 1, n <= maxParts else {
            throw S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: c.query["partNumber"])
        }
        return n
    }
}

enum CreateMultipartUpload {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let key = c.address.key!
        try PutObject.checkKey(key)
        let algorithm = c.headers["x-amz-checksum-algorithm"].flatMap { ChecksumAlgorithm(rawValue: $0.uppercased()) }
        var type = c.headers["x-amz-checksum-type"]?.uppercased()
        if let algorithm, type == nil { type = algorithm == .crc64nvme ? "FULL_OBJECT" : "COMPOSITE" }
        if type == "FULL_OBJECT", let algorithm, !algorithm.isCRC {
            throw S3Error("InvalidRequest", "The FULL_OBJECT checksum type cannot be used with the \(algorithm.rawValue.lowercased()) checksum algorithm.")
        }
        var headers = ObjectHeaders.from(c.headers)
        if let tagging = c.headers["x-amz-tagging"] { headers.append(("x-amz-tagging", tagging)) }
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
        if let algorithm {
            response.headers.add("x-amz-checksum-algorithm", algorithm.rawValue)
            if let type { response.headers.add("x-amz-checksum-type", type) }
        }
        return response
    }
}

enum UploadPart {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let number = try Multipart.partNumber(c)
        let upload = try Multipart.upload(c, bucket: bucket.name)
        let body = try c.uploadedBody()
        return try store(c, upload: upload, number: number, body: body) { etag, _ in
            var response = c.empty()
            response.headers.add("ETag", etag)
            for (a, v) in body.checksums { response.headers.add(a.header, v) }
            return response
        }
    }

    static func store(_ c: S3Context, upload: ObjectStore.Upload, number: Int, body: UploadedBody,
                      answer: (String, String?) -> ServiceResponse) throws(S3Error) -> ServiceResponse {
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        let etag = ObjectHeaders.etag(body.md5)
        let checksum = upload.checksumAlgorithm.flatMap { body.checksums[$0] }
        if let algorithm = upload.checksumAlgorithm, checksum == nil, !body.checksums.isEmpty {
            c.store.removeFile(file)
            throw S3Error("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: \(algorithm.rawValue.lowercased()), actual checksum Type: \(body.checksums.keys.first!.rawValue.lowercased())")
        }
        try c.catalog {
            try c.store.putPart(upload: upload.id, .init(number: number, file: file, size: body.size, etag: etag,
                                                          modifiedMillis: c.now, checksum: checksum))
        }
        return answer(etag, checksum)
    }
}

enum UploadPartCopy {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let number = try Multipart.partNumber(c)
        let upload = try Multipart.upload(c, bucket: bucket.name)
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

enum CompleteMultipartUpload {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name)
        let root = try c.parseXML()
        guard root.localName == "CompleteMultipartUpload" else { throw S3Error.malformedXML }
        let requested = root.children("Part")
        guard !requested.isEmpty else {
            throw S3Error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
        }
        let stored = Dictionary(uniqueKeysWithValues: try c.catalog { try c.store.parts(upload.id) }.map { ($0.number, $0) })
        var chosen: [ObjectStore.Part] = []
        var previous = 0
        for p in requested {
            guard let n = p.value("PartNumber").flatMap(Int.init) else { throw S3Error.malformedXML }
            guard n > previous else {
                throw S3Error("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", [("UploadId", upload.id)])
            }
            previous = n
            let etag = p.value("ETag") ?? ""
            guard let part = stored[n], part.etag == etag || part.etag == "\"\(etag)\"" else {
                throw S3Error("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                              [("UploadId", upload.id), ("PartNumber", String(n)), ("ETag", etag)])
            }
            if let a = upload.checksumAlgorithm, let sent = p.value(a.xmlName), let kept = part.checksum, sent != kept {
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
        let body = try concatenate(c, chosen, fullObject: upload.checksumType == "FULL_OBJECT" ? upload.checksumAlgorithm : nil)
        // The multipart ETag: MD5 of the parts' binary MD5s, then "-<count>".
        let md5s = chosen.flatMap { part -> [UInt8] in hexBytes(part.etag) }
        let digest = DigestChecksum.md5()
        digest.update(md5s)
        let etag = "\"" + Hex.encode(digest.finish()) + "-\(chosen.count)\""
        var checksum: String?
        if let a = upload.checksumAlgorithm {
            if upload.checksumType == "FULL_OBJECT" {
                checksum = body.checksums[a]
            } else {
                let h = a.makeHasher()
                for part in chosen { if let v = part.checksum, let raw = try? Base64.decode(v) { h.update(raw) } }
                checksum = Base64.encode(h.finish()) + "-\(chosen.count)"
            }
        }
        let file = try c.catalog { try c.store.adopt(body.temporaryPath) }
        var headers = upload.headers
        let tagging = headers.first { $0.0 == "x-amz-tagging" }?.1
        headers.removeAll { $0.0 == "x-amz-tagging" }
        let object = ObjectStore.Object(bucket: bucket.name, key: upload.key, file: file, size: body.size, etag: etag, modifiedMillis: c.now,
                                        headers: headers, checksumAlgorithm: upload.checksumAlgorithm, checksum: checksum,
                                        checksumType: upload.checksumType, parts: chosen.count, tags: tagging.map(TagSet.parseHeader) ?? [])
        try c.catalog {
            try c.store.put(object)
            try c.store.finishUpload(upload.id)
        }
        return c.xml { w in
            w.open("CompleteMultipartUploadResult", namespace: s3Namespace)
            w.element("Location", "/\(bucket.name)/\(URLCoding.encode(upload.key))")
            w.element("Bucket", bucket.name)
            w.element("Key", upload.key)
            w.element("ETag", etag)
            if let a = upload.checksumAlgorithm, let checksum {
                w.element(a.xmlName, checksum)
                w.optional("ChecksumType", upload.checksumType)
            }
            w.close("CompleteMultipartUploadResult")
        }
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

enum AbortMultipartUpload {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name)
        try c.catalog { try c.store.finishUpload(upload.id) }
        return c.empty(204)
    }
}

enum ListParts {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let upload = try Multipart.upload(c, bucket: bucket.name)
        let marker = Int(c.query["part-number-marker"] ?? "0") ?? 0
        let maxParts = min(Int(c.query["max-parts"] ?? "1000") ?? 1000, 1000)
        let all = try c.catalog { try c.store.parts(upload.id) }.filter { $0.number > marker }
        let page = all.prefix(maxParts)
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
            w.element("Initiator") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
            w.element("Owner") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
            w.element("StorageClass", "STANDARD")
            if let a = upload.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
            w.optional("ChecksumType", upload.checksumType)
            w.close("ListPartsResult")
        }
    }
}

enum ListMultipartUploads {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let prefix = c.query["prefix"] ?? ""
        let maxUploads = min(Int(c.query["max-uploads"] ?? "1000") ?? 1000, 1000)
        var uploads = try c.catalog { try c.store.uploads(bucket.name, prefix: prefix) }
        if let keyMarker = c.query["key-marker"], !keyMarker.isEmpty {
            let idMarker = c.query["upload-id-marker"]
            uploads = uploads.filter { $0.key > keyMarker || ($0.key == keyMarker && idMarker != nil && $0.id > idMarker!) }
        }
        let page = uploads.prefix(maxUploads)
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
                    w.element("Initiator") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
                    w.element("Owner") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
                    w.element("StorageClass", "STANDARD")
                    w.element("Initiated", AWSDate.iso8601(u.initiatedMillis))
                    if let a = u.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
                }
            }
            w.close("ListMultipartUploadsResult")
        }
    }
}
