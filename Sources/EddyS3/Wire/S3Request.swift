import EddyWire

/// An S3 request's addressing: bucket and key from the path (path style) or the Host header
/// (virtual-hosted style, `bucket.localhost:4566`), and the decoded query parameters.
package struct S3Address: Sendable {
    package var bucket: String?
    package var key: String?
    package var query: [String: String]

    package init(path: String, query rawQuery: String?, host: String?) {
        var query: [String: String] = [:]
        for pair in (rawQuery ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URLCoding.decode(String(parts[0])) ?? String(parts[0])
            query[name] = parts.count > 1 ? (URLCoding.decode(String(parts[1])) ?? String(parts[1])) : ""
        }
        self.query = query
        let decodedPath = URLCoding.decode(path) ?? path
        if let host, let bucket = Self.virtualHostBucket(host) {
            self.bucket = bucket
            let key = String(decodedPath.dropFirst())
            self.key = key.isEmpty ? nil : key
            return
        }
        let trimmed = decodedPath.dropFirst()  // leading "/"
        guard !trimmed.isEmpty else { return }
        if let slash = trimmed.firstIndex(of: "/") {
            bucket = String(trimmed[..<slash])
            let key = String(trimmed[trimmed.index(after: slash)...])
            self.key = key.isEmpty ? nil : key
        } else {
            bucket = String(trimmed)
        }
    }

    /// The bucket a virtual-hosted request names in its Host, on every host form clients use:
    /// `bucket.localhost`, `bucket.s3.localhost.localstack.cloud` (LocalStack's), and AWS's
    /// `bucket.s3.<region>.amazonaws.com` forms mapped to the local endpoint. The service
    /// hosts themselves (`s3.localhost.localstack.cloud`, `s3.<region>.amazonaws.com`) name none.
    static func virtualHostBucket(_ host: String) -> String? {
        let name = (host.split(separator: ":").first.map(String.init) ?? host).lowercased()
        for suffix in [".s3.localhost.localstack.cloud", ".localhost.localstack.cloud", ".s3.localhost", ".localhost"] where name.hasSuffix(suffix) {
            let bucket = String(name.dropLast(suffix.count))
            // `s3.localhost.localstack.cloud` is the service's own host.
            return bucket.isEmpty || bucket == "s3" ? nil : bucket
        }
        let parts = name.split(separator: ".")
        if name.hasSuffix(".amazonaws.com"), let i = parts.firstIndex(where: { $0 == "s3" || $0.hasPrefix("s3-") }), i > 0 {
            return parts[..<i].joined(separator: ".")
        }
        return nil
    }
}

enum URLCoding {
    /// Percent-decoding (and `+` as space, which only forms send; S3 keys arrive with %20).
    static func decode(_ s: String) -> String? {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                it = it.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Percent-encoding for `encoding-type=url` listings (unreserved characters and `/` stay).
    static func encode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(c)
            default:
                out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
