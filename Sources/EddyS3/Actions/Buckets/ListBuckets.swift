import EddyWire

/// ListBuckets: the account's buckets in name order, filtered by prefix and region, paged by
/// max-buckets and an opaque continuation token.
enum ListBuckets {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let q = c.query
        let prefix = q["prefix"] ?? ""
        var maxBuckets = 10_000
        if let text = q["max-buckets"] {
            guard let n = Int(text), (1...10_000).contains(n) else {
                throw S3Error.invalidArgument("Argument max-buckets must be an integer between 1 and 10000", name: "max-buckets", value: text)
            }
            maxBuckets = n
        }
        var after: String?
        if let token = q["continuation-token"] {
            guard let bytes = try? Base64.decode(token), let name = String(validating: bytes, as: UTF8.self) else {
                throw S3Error.invalidArgument("The continuation token provided is incorrect", name: "continuation-token", value: token)
            }
            after = name
        }
        let all = try c.catalog { try c.store.buckets(account: c.account) }.filter { b in
            b.name.hasPrefix(prefix) && (q["bucket-region"].map { $0 == b.region } ?? true) && (after.map { b.name > $0 } ?? true)
        }
        let page = all.prefix(maxBuckets)
        return c.xml { w in
            w.open("ListAllMyBucketsResult", namespace: s3Namespace)
            w.element("Buckets") { w in
                for b in page {
                    w.element("Bucket") { w in
                        w.element("Name", b.name)
                        w.element("CreationDate", AWSDate.iso8601(b.createdMillis))
                        w.element("BucketRegion", b.region)
                    }
                }
            }
            w.element("Owner") { w in w.element("ID", AccessControl.canonicalId(c.account)) }
            if all.count > page.count, let last = page.last { w.element("ContinuationToken", Base64.encode(Array(last.name.utf8))) }
            if q["prefix"] != nil { w.element("Prefix", prefix) }
            w.close("ListAllMyBucketsResult")
        }
    }
}
