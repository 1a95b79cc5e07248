import EddyWire

/// The headers S3 stores with an object and returns on GET/HEAD.
enum ObjectHeaders {
    static let stored = ["content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires",
                         "x-amz-website-redirect-location", "x-amz-storage-class"]

    /// S3's limit on user-defined metadata: the UTF-8 bytes of every name and value.
    static let maxMetadataBytes = 2048

    /// What a PutObject / CreateMultipartUpload / CopyObject (REPLACE) keeps from the request.
    /// Metadata values in RFC 2047 encoded words are kept decoded, as S3 keeps them.
    static func from(_ headers: Headers) throws(S3Error) -> [(String, String)] {
        var kept: [(String, String)] = []
        var metadataBytes = 0
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix("x-amz-meta-") {
                let decoded = EncodedWords.decode(value)
                metadataBytes += lower.utf8.count - "x-amz-meta-".count + decoded.utf8.count
                kept.append((lower, decoded))
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
        if metadataBytes > maxMetadataBytes {
            throw S3Error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size",
                          [("Size", String(metadataBytes)), ("MaxSizeAllowed", String(maxMetadataBytes))])
        }
        if !kept.contains(where: { $0.0 == "content-type" }) { kept.append(("content-type", "binary/octet-stream")) }
        return kept
    }

    /// A stored header as GET and HEAD send it: a metadata value beyond US-ASCII goes out as an
    /// RFC 2047 encoded word, mail-safe, as S3 sends it.
    static func answered(_ name: String, _ value: String) -> String {
        name.hasPrefix("x-amz-meta-") && value.utf8.contains(where: { $0 >= 0x80 }) ? EncodedWords.encode(value) : value
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

/// RFC 2047 encoded words (`=?UTF-8?B?w6k=?=`, `=?utf-8?Q?caf=C3=A9?=`), which S3 decodes in
/// metadata values it is sent and uses for the values it returns that are not US-ASCII.
enum EncodedWords {
    /// `text` with every encoded word of a charset Eddy knows (UTF-8, US-ASCII, ISO-8859-1)
    /// decoded; whitespace between two encoded words goes, as RFC 2047 says; anything that is
    /// not a well-formed encoded word stays as it was.
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var afterWord = false
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "="), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?"),
               let (decoded, end) = word(bytes, at: i) {
                if !afterWord { out += pendingSpace }
                pendingSpace = []
                out += decoded
                afterWord = true
                i = end
            } else if bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") {
                pendingSpace.append(bytes[i])
                i += 1
            } else {
                out += pendingSpace
                pendingSpace = []
                out.append(bytes[i])
                afterWord = false
                i += 1
            }
        }
        out += pendingSpace
        return String(decoding: out, as: UTF8.self)
    }

    static func encode(_ text: String) -> String { "=?UTF-8?B?" + Base64.encode(Array(text.utf8)) + "?=" }

    /// The encoded word starting at `start`, as UTF-8, and the index after it.
    private static func word(_ bytes: [UInt8], at start: Int) -> ([UInt8], Int)? {
        // =?charset?encoding?text?= — at most 75 bytes by RFC 2047; S3 is lenient, so a bound
        // of a header's length only.
        var fields: [ArraySlice<UInt8>] = []
        var fieldStart = start + 2
        var i = start + 2
        while i < bytes.count, fields.count < 2 {
            if bytes[i] == UInt8(ascii: "?") { fields.append(bytes[fieldStart..<i]); fieldStart = i + 1 }
            i += 1
        }
        guard fields.count == 2 else { return nil }
        var end = fieldStart
        while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "?") && bytes[end + 1] == UInt8(ascii: "=")) { end += 1 }
        guard end + 1 < bytes.count else { return nil }
        let payload = bytes[fieldStart..<end]
        let charset = String(decoding: fields[0], as: UTF8.self).lowercased()
        guard ["utf-8", "utf8", "us-ascii", "iso-8859-1", "latin1"].contains(charset) else { return nil }
        var raw: [UInt8]
        switch String(decoding: fields[1], as: UTF8.self).uppercased() {
        case "B":
            guard let b = try? Base64.decode(String(decoding: payload, as: UTF8.self)) else { return nil }
            raw = b
        case "Q":
            raw = []
            var j = payload.startIndex
            while j < payload.endIndex {
                let b = payload[j]
                if b == UInt8(ascii: "_") { raw.append(0x20); j += 1 }
                else if b == UInt8(ascii: "="), j + 2 < payload.endIndex, let v = hexByte(payload[j + 1], payload[j + 2]) {
                    raw.append(v); j += 3
                } else if b == UInt8(ascii: "=") { return nil }
                else { raw.append(b); j += 1 }
            }
        default:
            return nil
        }
        if charset == "iso-8859-1" || charset == "latin1" {
            raw = Array(String(raw.map { Character(Unicode.Scalar($0)) }).utf8)
        } else if charset == "us-ascii", raw.contains(where: { $0 >= 0x80 }) {
            return nil
        }
        return (raw, end + 2)
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard let h = nibble(high), let l = nibble(low) else { return nil }
        return h << 4 | l
    }
}
