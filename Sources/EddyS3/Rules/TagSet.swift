import EddyWire

/// The object version a tagging request is about (the latest, or `versionId`).
enum TaggedObject {
    static func find(_ c: S3Context, key: String) throws(S3Error) -> (ObjectStore.Object, ObjectStore.Bucket) {
        let bucket = try c.bucket()
        return (try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c)), bucket)
    }
}

/// Tag sets for buckets and objects: `<Tagging><TagSet><Tag><Key/><Value/></Tag>…`.
enum TagSet {
    static func parse(_ c: S3Context) throws(S3Error) -> [(String, String)] { try parse(c.request.body) }

    static func parse(_ bytes: [UInt8]) throws(S3Error) -> [(String, String)] {
        let document: S3API.Tagging
        do { document = try S3API.Tagging.decode(xml: try XMLElement.parse(bytes), named: "Tagging") } catch { throw S3Error.malformedXML }
        var tags: [(String, String)] = []
        for tag in document.tagSet {
            let key = tag.key, value = tag.value
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
            return (p.first.map(decode) ?? "", p.count > 1 ? decode(p[1]) : "")
        }
    }

    static func write(_ tags: [(String, String)], _ c: S3Context) -> ServiceResponse {
        return c.xml { w in
            w.open("Tagging", namespace: s3Namespace)
            w.element("TagSet") { w in
                for (k, v) in tags { w.element("Tag") { w in w.element("Key", k); w.element("Value", v) } }
            }
            w.close("Tagging")
        }
    }
}
extension String {
    /// Form encoding writes spaces as `+`.
    var replacingPlus: String { String(map { $0 == "+" ? " " : $0 }) }
}