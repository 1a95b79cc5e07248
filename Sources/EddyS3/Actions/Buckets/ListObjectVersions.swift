import EddyWire

/// ListObjectVersions (`GET ?versions`): every version and delete marker, by key (UTF-8 byte
/// order) and newest first within a key, grouped into CommonPrefixes by the delimiter, paged
/// by key-marker and version-id-marker. An unversioned bucket's objects are listed with the
/// version id `null`.
enum ListObjectVersions {
    struct Page {
        var entries: [ObjectStore.Object] = []
        var prefixes: [String] = []
        var truncated = false
        var nextKey: String?
        var nextVersionId: String?
    }

    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let q = c.query
        let listing = try ListingParameters(c)
        let prefix = listing.prefix, delimiter = listing.delimiter, maxKeys = listing.maxKeys, encode = listing.encode
        let keyMarker = q["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        let versionIdMarker = q["version-id-marker"].flatMap { $0.isEmpty ? nil : $0 }
        var after: (key: String, sequence: Int64?)?
        if let keyMarker { after = (keyMarker, nil) }
        if let versionIdMarker {
            guard let keyMarker else {
                throw S3Error.invalidArgument("A version-id marker cannot be specified without a key marker.",
                                              name: "version-id-marker", value: versionIdMarker)
            }
            try Versions.check(versionIdMarker)
            guard let marked = try c.catalog({ try c.store.version(bucket.name, keyMarker, versionIdMarker) }) else {
                throw S3Error.invalidArgument("Invalid version id specified", name: "version-id-marker", value: versionIdMarker)
            }
            after = (keyMarker, marked.sequence)
        }
        let page = try collect(c, bucket: bucket.name, prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys)
        let enc = listing.encoded
        let ownerId = AccessControl.canonicalId(c.account)
        return c.xml { w in
            w.open("ListVersionsResult", namespace: s3Namespace)
            w.element("Name", bucket.name)
            w.element("Prefix", enc(prefix))
            w.element("KeyMarker", enc(keyMarker ?? ""))
            w.element("VersionIdMarker", versionIdMarker ?? "")
            if page.truncated {
                w.optional("NextKeyMarker", page.nextKey.map(enc))
                w.optional("NextVersionIdMarker", page.nextVersionId)
            }
            w.element("MaxKeys", maxKeys)
            if let delimiter { w.element("Delimiter", enc(delimiter)) }
            if encode { w.element("EncodingType", "url") }
            w.element("IsTruncated", page.truncated)
            for o in page.entries {
                w.element(o.isDeleteMarker ? "DeleteMarker" : "Version") { w in
                    w.element("Key", enc(o.key))
                    w.element("VersionId", o.versionId)
                    w.element("IsLatest", o.isLatest)
                    w.element("LastModified", AWSDate.iso8601(o.modifiedMillis))
                    if !o.isDeleteMarker {
                        w.element("ETag", o.etag)
                        if let a = o.checksumAlgorithm { w.element("ChecksumAlgorithm", a.rawValue) }
                        if let t = o.checksumType { w.element("ChecksumType", t) }
                        w.element("Size", o.size)
                        w.element("StorageClass", o.headers.first { $0.0 == "x-amz-storage-class" }?.1 ?? "STANDARD")
                    }
                    w.element("Owner") { w in w.element("ID", ownerId) }
                }
            }
            for p in page.prefixes { w.element("CommonPrefixes") { w in w.element("Prefix", enc(p)) } }
            w.close("ListVersionsResult")
        }
    }

    static func collect(_ c: S3Context, bucket: String, prefix: String, delimiter: String?,
                        after: (key: String, sequence: Int64?)?, maxKeys: Int) throws(S3Error) -> Page {
        var cursor = after
        // Resuming after a common prefix skips every key under it.
        let resume = after.flatMap { a in
            a.sequence == nil ? delimiter.flatMap { a.key.hasSuffix($0) && a.key.hasPrefix(prefix) ? a.key : nil } : nil
        }
        let listing = try DelimitedListing<ObjectStore.Object>.collect(
            prefix: prefix, delimiter: delimiter, resume: resume, maxKeys: maxKeys, key: \.key
        ) { (seek, limit) throws(S3Error) in
            if let seek { cursor = (seek, nil) }
            let batch = try c.catalog { try c.store.versions(bucket, prefix: prefix, after: cursor, limit: limit) }
            if let last = batch.last { cursor = (last.key, last.sequence) }
            return batch
        }
        var page = Page(truncated: listing.truncated)
        for item in listing.items {
            switch item {
            case .entry(let o):
                page.entries.append(o)
                page.nextKey = o.key
                page.nextVersionId = o.versionId
            case .commonPrefix(let p):
                page.prefixes.append(p)
                page.nextKey = p
                page.nextVersionId = nil
            }
        }
        return page
    }
}
