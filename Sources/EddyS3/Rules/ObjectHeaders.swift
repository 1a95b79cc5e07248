import EddyWire

/// The headers S3 stores with an object and returns on GET/HEAD.
enum ObjectHeaders {
    static let stored = ["content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires",
                         "x-amz-website-redirect-location", "x-amz-storage-class"]

    /// What a PutObject / CreateMultipartUpload / CopyObject (REPLACE) keeps from the request.
    static func from(_ headers: Headers) -> [(String, String)] {
        var kept: [(String, String)] = []
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix("x-amz-meta-") {
                kept.append((lower, value))
            } else if stored.contains(lower) {
                if lower == "content-encoding" {
                    // aws-chunked is the transfer's encoding, not the object's.
                    let rest = value.split(separator: ",").map { String($0).trimmingSpaces }.filter { $0 != "aws-chunked" && !$0.isEmpty }
                    if !rest.isEmpty { kept.append((lower, rest.joined(separator: ","))) }
                } else {
                    kept.append((lower, value))
                }
            }
        }
        if !kept.contains(where: { $0.0 == "content-type" }) { kept.append(("content-type", "binary/octet-stream")) }
        return kept
    }

    /// Headers Eddy keeps with a version for itself (a restore's state), never answered or copied.
    static func isInternal(_ name: String) -> Bool { name.hasPrefix("eddy-") }

    static func etag(_ md5: [UInt8]) -> String { "\"" + Hex.lower(md5) + "\"" }
}

/// Object keys S3 accepts.
enum ObjectKey {
    static let maxBytes = 1024

    static func check(_ key: String) throws(S3Error) {
        if key.utf8.count > maxBytes {
            throw S3Error("KeyTooLongError", "Your key is too long", [("MaxSizeAllowed", String(maxBytes)), ("Size", String(key.utf8.count))])
        }
    }
}
