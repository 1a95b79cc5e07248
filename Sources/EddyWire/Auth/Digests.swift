import CCrypto

/// SHA-256 and HMAC through libcrypto, for SigV4 (and Kinesis's shard-iterator MAC).
public enum SHA256Digest {
    public static func of(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        _ = SHA256(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &digest)
        return digest
    }

    public static func of(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { of($0) } }

    /// Lowercase hex, as SigV4 writes hashes.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.lower(of(bytes)) }
}

public enum HMACDigest {
    public static func sha256(key: [UInt8], _ data: [UInt8]) -> [UInt8] { mac(EVP_sha256(), key: key, data) }
    public static func sha1(key: [UInt8], _ data: [UInt8]) -> [UInt8] { mac(EVP_sha1(), key: key, data) }

    static func mac(_ md: OpaquePointer?, key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(md, key, Int32(clamping: key.count), data, data.count, &out, &length)
        return Array(out.prefix(Int(length)))
    }

    /// Compares without stopping at the first difference, so timing says nothing of where a
    /// forged signature goes wrong.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func lower(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is `count` lowercase or uppercase hex digits.
    public static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }
}
