import EddyWire

enum ListBuckets {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let buckets = try c.catalog { try c.store.buckets(account: c.account) }
        return c.xml { w in
            w.open("ListAllMyBucketsResult", namespace: s3Namespace)
            w.element("Owner") { w in w.element("ID", c.account); w.element("DisplayName", "eddy") }
            w.element("Buckets") { w in
                for b in buckets {
                    w.element("Bucket") { w in
                        w.element("Name", b.name)
                        w.element("CreationDate", AWSDate.iso8601(b.createdMillis))
                        w.element("BucketRegion", b.region)
                    }
                }
            }
            w.close("ListAllMyBucketsResult")
        }
    }
}