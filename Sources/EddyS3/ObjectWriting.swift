import EddyStorage
import EddyWire
#if canImport(Glibc)
import Glibc
#endif

/// Other services (Firehose) store objects through this, with the same files-then-catalog
/// order as a PutObject.
extension S3Service: ObjectWriter {
    public func putObject(account: String, bucket: String, key: String, body: [UInt8], contentType: String) throws {
        guard let b = try store.bucket(bucket) else { throw ObjectWriterError.noSuchBucket(bucket) }
        guard b.account == account else { throw ObjectWriterError.accessDenied(bucket) }
        var headers = Headers()
        headers.add("Content-Type", contentType)
        let sink: UploadSink
        let uploaded: UploadedBody
        do {
            sink = try UploadSink(path: store.temporaryPath(), headers: headers, maxSize: Int.max, sync: syncWrites, defaultChecksum: .crc64nvme)
            try sink.write(body, count: body.count)
            guard let u = try sink.finish() as? UploadedBody else { throw ObjectWriterError.failed("upload") }
            uploaded = u
        } catch let error as AWSError {
            throw ObjectWriterError.failed(error.description)
        }
        let file = try store.adopt(uploaded.temporaryPath)
        do {
            try store.put(ObjectStore.Object(bucket: bucket, key: key, file: file, size: uploaded.size, etag: ObjectHeaders.etag(uploaded.md5),
                                             modifiedMillis: clock(),
                                             headers: [("content-type", contentType)]
                                                 + Encryption.bucketDefault(try store.setting(bucket, "encryption"), region: b.region, account: account),
                                             checksumAlgorithm: .crc64nvme, checksum: uploaded.checksums[.crc64nvme],
                                             checksumType: "FULL_OBJECT", parts: nil, tags: []), versioning: b.versioning)
        } catch {
            store.removeFile(file)
            throw error
        }
    }
}
