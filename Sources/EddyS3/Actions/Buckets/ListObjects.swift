#if canImport(Glibc)
import Glibc
#endif
import EddyWire

/// ListObjectsV2 (`list-type=2`) and ListObjects (v1): keys in UTF-8 byte order, grouped into
/// CommonPrefixes by the delimiter, paged by max-keys.
enum ListObjects {
    struct Page {
        var objects: [ObjectStore.Object] = []
        var prefixes: [String] = []
        var truncated = false
        /// The last key or common prefix returned (where the next page starts).
        var last: String?
    }

    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let q = c.query
        let v2 = q["list-type"] == "2"
        let listing = try ListingParameters(c)
        let prefix = listing.prefix, delimiter = listing.delimiter, maxKeys = listing.maxKeys, encode = listing.encode
        var start: String?
        if v2 {
            if let token = q["continuation-token"] {
                guard let bytes = try? Base64.decode(token), let key = String(validating: bytes, as: UTF8.self) else {
                    throw S3Error.invalidArgument("The continuation token provided is incorrect", name: "continuation-token", value: token)
                }
                start = key
            } else {
                start = q["start-after"]
            }
        } else {
            start = q["marker"]
        }
        let page = try collect(c, bucket: bucket.name, prefix: prefix, delimiter: delimiter, after: start, maxKeys: maxKeys)
        let enc = listing.encoded
        let ownerId = AccessControl.canonicalId(c.account)
        return c.xml { w in
            w.open("ListBucketResult", namespace: s3Namespace)
            w.element("Name", bucket.name)
            w.element("Prefix", enc(prefix))
            if v2 {
                w.element("KeyCount", page.objects.count + page.prefixes.count)
                if let t = q["continuation-token"] { w.element("ContinuationToken", t) }
                if let s = q["start-after"] { w.element("StartAfter", enc(s)) }
            } else {
                w.element("Marker", enc(q["marker"] ?? ""))
            }
            w.element("MaxKeys", maxKeys)
            if let delimiter { w.element("Delimiter", enc(delimiter)) }
            if encode { w.element("EncodingType", "url") }
            w.element("IsTruncated", page.truncated)
            if page.truncated, let last = page.last {
                if v2 { w.element("NextContinuationToken", Base64.encode(Array(last.utf8))) }
                else if delimiter != nil { w.element("NextMarker", enc(last)) }
            }
            for o in page.objects {
                w.element("Contents") { w in
                    w.element("Key", enc(o.key))
                    w.element("LastModified", AWSDate.iso8601(o.modifiedMillis))
                    w.element("ETag", o.etag)
                    if let a = o.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
                    if let t = o.checksumType { w.element("ChecksumType", t) }
                    w.element("Size", o.size)
                    if !v2 || q["fetch-owner"] == "true" {
                        w.element("Owner") { w in w.element("ID", ownerId) }
                    }
                    w.element("StorageClass", o.headers.first { $0.0 == "x-amz-storage-class" }?.1 ?? "STANDARD")
                }
            }
            for p in page.prefixes { w.element("CommonPrefixes") { w in w.element("Prefix", enc(p)) } }
            w.close("ListBucketResult")
        }
    }

    static func collect(_ c: S3Context, bucket: String, prefix: String, delimiter: String?, after: String?, maxKeys: Int) throws(S3Error) -> Page {
        var cursor = after
        // Resuming after a common prefix skips every key under it.
        let resume = after.flatMap { a in delimiter.flatMap { a.hasSuffix($0) && a.hasPrefix(prefix) ? a : nil } }
        let listing = try DelimitedListing<ObjectStore.Object>.collect(
            prefix: prefix, delimiter: delimiter, resume: resume, maxKeys: maxKeys, key: \.key
        ) { (seek, limit) throws(S3Error) in
            if let seek { cursor = seek }
            let batch = try c.catalog { try c.store.objects(bucket, prefix: prefix, after: cursor, limit: limit) }
            if let last = batch.last { cursor = last.key }
            return batch
        }
        var page = Page(truncated: listing.truncated)
        for item in listing.items {
            switch item {
            case .entry(let o): page.objects.append(o); page.last = o.key
            case .commonPrefix(let p): page.prefixes.append(p); page.last = p
            }
        }
        return page
    }
}
