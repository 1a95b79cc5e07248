import EddyStorage
import EddyWire
#if canImport(Glibc)
import Glibc
#endif

/// The object named by `x-amz-copy-source` (`/bucket/key` or `bucket/key`, URL-encoded, with
/// `?versionId=` for a version other than the latest).
enum CopySource {
    static func resolve(_ c: S3Context) throws(S3Error) -> ObjectStore.Object {
        var source = c.headers["x-amz-copy-source"] ?? ""
        var versionId: String?
        if let q = source.firstIndex(of: "?") {
            for pair in source[source.index(after: q)...].split(separator: "&") where pair.hasPrefix("versionId=") {
                let raw = String(pair.dropFirst("versionId=".count))
                versionId = URLCoding.decode(raw) ?? raw
            }
            source = String(source[..<q])
        }
        if let versionId { try Versions.check(versionId) }
        source = URLCoding.decode(source) ?? source
        if source.hasPrefix("/") { source.removeFirst() }
        guard let slash = source.firstIndex(of: "/") else {
            throw S3Error.invalidArgument("Invalid copy source object key", name: "x-amz-copy-source", value: source)
        }
        let bucket = String(source[..<slash]), key = String(source[source.index(after: slash)...])
        guard let b = try c.catalog({ try c.store.bucket(bucket) }) else { throw S3Error.noSuchBucket(bucket) }
        guard b.account == c.account else { throw S3Error("AccessDenied", "Access Denied", status: 403) }
        if let expected = c.headers["x-amz-source-expected-bucket-owner"], expected != b.account {
            throw S3Error("AccessDenied", "Access Denied", status: 403)
        }
        let object: ObjectStore.Object
        do throws(S3Error) {
            object = try Versions.find(c, bucket: bucket, key: key, versionId: versionId)
        } catch where error.status == 405 {
            throw S3Error("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.")
        } catch {
            // The copy's own answer is about the copy, not about the marker.
            throw S3Error(error.code, error.message, status: error.status, error.details)
        }
        try Encryption.checkRead(c, object, prefix: "x-amz-copy-source-server-side-encryption-")
        try Archive.checkReadable(c, object)
        var conditions = Headers()
        for (name, header) in [("x-amz-copy-source-if-match", "If-Match"), ("x-amz-copy-source-if-none-match", "If-None-Match"),
                               ("x-amz-copy-source-if-modified-since", "If-Modified-Since"),
                               ("x-amz-copy-source-if-unmodified-since", "If-Unmodified-Since")] {
            if let v = c.headers[name] { conditions.add(header, v) }
        }
        do {
            try Preconditions.check(conditions, etag: object.etag, modified: object.modifiedMillis)
        } catch {
            // A copy answers 412 where a GET would answer 304.
            throw S3Error.preconditionFailed
        }
        return object
    }

    /// Copies `length` bytes at `offset` of a stored file into a new temporary file, hashing them.
    static func copy(_ c: S3Context, _ file: String, offset: Int, length: Int,
                     checksum: ChecksumAlgorithm? = nil) throws(S3Error) -> UploadedBody {
        try StoredFiles.upload(c, [(file, offset, length)], checksum: checksum)
    }
}
/// Builds a new upload from ranges of stored files (CopyObject, UploadPartCopy, completing a
/// multipart upload), hashed on the way like any other upload.
enum StoredFiles {
    static func upload(_ c: S3Context, _ ranges: [(file: String, offset: Int, length: Int)],
                       checksum: ChecksumAlgorithm?) throws(S3Error) -> UploadedBody {
        var headers = Headers()
        if let checksum { headers.add("x-amz-sdk-checksum-algorithm", checksum.rawValue) }
        let sink: UploadSink
        do { sink = try UploadSink(path: c.store.temporaryPath(), headers: headers, maxSize: Int.max, sync: c.service.syncWrites) }
        catch { throw S3Error(error) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for range in ranges {
            let input = open(c.store.path(range.file), O_RDONLY | O_CLOEXEC)
            guard input >= 0 else { sink.abort(); throw S3Error.internalError("stored file \(range.file) is missing") }
            defer { close(input) }
            var done = 0
            while done < range.length {
                let n = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, min($0.count, range.length - done), off_t(range.offset + done)) }
                guard n > 0 else { sink.abort(); throw S3Error.internalError("short read from \(range.file)") }
                do throws(AWSError) { try sink.write(buffer, count: n) } catch { sink.abort(); throw S3Error(error) }
                done += n
            }
        }
        do throws(AWSError) {
            guard let body = try sink.finish() as? UploadedBody else { throw S3Error.internalError("copy").awsError }
            return body
        } catch {
            throw S3Error(error)
        }
    }
}