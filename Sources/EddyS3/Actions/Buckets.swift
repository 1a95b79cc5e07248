import EddyWire

/// Bucket names as S3 allows them (general purpose buckets).
enum BucketName {
    static func isValid(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count >= 3, u.count <= 63 else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard alnum(u.first!), alnum(u.last!) else { return false }
        guard u.allSatisfy({ alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return false }
        if name.contains("..") || name.contains(".-") || name.contains("-.") { return false }
        if name.hasPrefix("xn--") || name.hasPrefix("sthree-") || name.hasSuffix("-s3alias") || name.hasSuffix("--ol-s3") { return false }
        let octets = name.split(separator: ".")
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return false }  // looks like an IP address
        return true
    }
}

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

enum CreateBucket {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let name = c.address.bucket!
        guard BucketName.isValid(name) else {
            throw S3Error("InvalidBucketName", "The specified bucket is not valid.", [("BucketName", name)])
        }
        var region = c.region
        if !c.request.body.isEmpty {
            let config = try c.parseXML()
            if let constraint = config.value("LocationConstraint"), !constraint.isEmpty {
                if constraint == "us-east-1" && c.region == "us-east-1" {
                    throw S3Error("InvalidLocationConstraint", "The specified location-constraint is not valid", [("LocationConstraint", constraint)])
                }
                if constraint != c.region {
                    throw S3Error("IllegalLocationConstraintException",
                                  "The \(constraint) location constraint is incompatible for the region specific endpoint this request was sent to.")
                }
                region = constraint
            }
        }
        if let existing = try c.catalog({ try c.store.bucket(name) }) {
            if existing.account != c.account {
                throw S3Error("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", status: 409, [("BucketName", name)])
            }
            // us-east-1 answers success for a bucket you already own (S3's legacy behaviour).
            if existing.region != "us-east-1" || c.region != "us-east-1" {
                throw S3Error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", status: 409, [("BucketName", name)])
            }
        } else {
            try c.catalog { try c.store.createBucket(.init(name: name, account: c.account, region: region, createdMillis: c.now, tags: [])) }
        }
        var response = c.empty()
        response.headers.add("Location", "/" + name)
        return response
    }
}

enum HeadBucket {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        var response = c.empty()
        response.headers.add("x-amz-bucket-region", bucket.region)
        return response
    }
}

enum DeleteBucket {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        if try c.catalog({ try c.store.objectCount(bucket.name) }) > 0 {
            throw S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", status: 409, [("BucketName", bucket.name)])
        }
        try c.catalog { try c.store.deleteBucket(bucket.name) }
        return c.empty(204)
    }
}

enum GetBucketLocation {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        return c.xml { w in
            w.open("LocationConstraint", namespace: s3Namespace)
            // us-east-1 is reported as an empty constraint, as S3 does.
            if bucket.region != "us-east-1" { w.raw(bucket.region) }
            w.close("LocationConstraint")
        }
    }
}

/// Tag sets for buckets and objects: `<Tagging><TagSet><Tag><Key/><Value/></Tag>…`.
enum TagSet {
    static func parse(_ c: S3Context) throws(S3Error) -> [(String, String)] {
        let root = try c.parseXML()
        guard root.localName == "Tagging", let set = root.child("TagSet") else { throw S3Error.malformedXML }
        var tags: [(String, String)] = []
        for tag in set.children("Tag") {
            guard let key = tag.value("Key") else { throw S3Error.malformedXML }
            let value = tag.value("Value") ?? ""
            if tags.contains(where: { $0.0 == key }) {
                throw S3Error("InvalidTag", "Cannot provide multiple Tags with the same key", [("TagKey", key)])
            }
            guard key.unicodeScalars.count <= 128, value.unicodeScalars.count <= 256, !key.isEmpty else {
                throw S3Error("InvalidTag", "The TagKey you have provided is invalid", [("TagKey", key)])
            }
            tags.append((key, value))
        }
        return tags
    }

    /// From the `x-amz-tagging` header: `k1=v1&k2=v2`, URL-encoded.
    static func parseHeader(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let p = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in URLCoding.decode(String(s).replacingPlus) ?? String(s) }
            return (decode(p[0]), p.count > 1 ? decode(p[1]) : "")
        }
    }

    static func write(_ tags: [(String, String)], _ c: S3Context) -> ServiceResponse {
        c.xml { w in
            w.open("Tagging", namespace: s3Namespace)
            w.element("TagSet") { w in
                for (k, v) in tags { w.element("Tag") { w in w.element("Key", k); w.element("Value", v) } }
            }
            w.close("Tagging")
        }
    }
}

enum BucketTagging {
    static func put(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let tags = try TagSet.parse(c)
        try c.catalog { try c.store.setBucketTags(bucket.name, tags) }
        return c.empty(204)
    }

    static func get(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        guard !bucket.tags.isEmpty else {
            throw S3Error("NoSuchTagSet", "The TagSet does not exist", status: 404, [("BucketName", bucket.name)])
        }
        return TagSet.write(bucket.tags, c)
    }

    static func delete(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        try c.catalog { try c.store.setBucketTags(bucket.name, nil) }
        return c.empty(204)
    }
}

extension String {
    /// Form encoding writes spaces as `+`.
    var replacingPlus: String { String(map { $0 == "+" ? " " : $0 }) }
}
