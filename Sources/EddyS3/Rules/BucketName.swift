import EddyWire

/// Bucket names as S3 allows them (general purpose buckets).
enum BucketName {
    static func isValid(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count >= 3, u.count <= 63 else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard let first = u.first, let last = u.last, alnum(first), alnum(last) else { return false }
        guard u.allSatisfy({ alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return false }
        if name.contains("..") || name.contains(".-") || name.contains("-.") { return false }
        if name.hasPrefix("xn--") || name.hasPrefix("sthree-") || name.hasSuffix("-s3alias") || name.hasSuffix("--ol-s3") { return false }
        let octets = name.split(separator: ".")
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return false }  // looks like an IP address
        return true
    }
}