import CCrypto
import CChecksums
import EddyWire
import CZlib

/// The checksum algorithms S3 clients send (`x-amz-checksum-*`), computed while a body streams.
public enum ChecksumAlgorithm: String, Sendable, CaseIterable {
    case crc32 = "CRC32", crc32c = "CRC32C", crc64nvme = "CRC64NVME", sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512", md5 = "MD5"

    /// Algorithms S3 accepts that Eddy does not compute: refused by name rather than stored
    /// unverified.
    static let notComputed: Set<String> = ["XXHASH64", "XXHASH3", "XXHASH128"]

    /// The algorithm a header such as `x-amz-checksum-algorithm` names, nil when it is absent.
    static func named(_ value: String?, header: String) throws(S3Error) -> ChecksumAlgorithm? {
        guard let value else { return nil }
        if let algorithm = ChecksumAlgorithm(rawValue: value.uppercased()) { return algorithm }
        if notComputed.contains(value.uppercased()) { throw notSupported(value.uppercased()) }
        throw S3Error("InvalidRequest", "Value for \(header) header is invalid.")
    }

    static func notSupported(_ name: String) -> S3Error {
        S3Error("NotImplemented", "Eddy does not compute \(name) checksums; use CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512 or MD5.", status: 501)
    }

    /// Refuses a checksum header of an algorithm Eddy cannot verify.
    static func checkHeaders(_ headers: Headers) throws(S3Error) {
        for (name, _) in headers {
            let lower = name.lowercased()
            guard lower.hasPrefix("x-amz-checksum-"), ChecksumAlgorithm(header: lower) == nil,
                  !["x-amz-checksum-mode", "x-amz-checksum-type", "x-amz-checksum-algorithm"].contains(lower) else { continue }
            let algorithm = String(lower.dropFirst("x-amz-checksum-".count)).uppercased()
            throw notComputed.contains(algorithm) ? notSupported(algorithm) : S3Error("InvalidRequest", "Unknown checksum header \(name).")
        }
    }

    /// The header carrying it: `x-amz-checksum-crc32`.
    public var header: String { "x-amz-checksum-" + rawValue.lowercased() }
    /// The member name in XML answers: `ChecksumCRC32`.
    public var xmlName: String { "Checksum" + rawValue }

    public init?(header: String) {
        let lower = header.lowercased()
        guard lower.hasPrefix("x-amz-checksum-") else { return nil }
        self.init(rawValue: String(lower.dropFirst("x-amz-checksum-".count)).uppercased())
    }

    public func makeHasher() -> RunningChecksum {
        switch self {
        case .crc32: return CRC32Checksum()
        case .crc32c: return CRCTableChecksum(width32: CRCTables.crc32c)
        case .crc64nvme: return CRC64Checksum()
        case .sha1: return DigestChecksum(EVP_sha1())
        case .sha256: return DigestChecksum(EVP_sha256())
        case .sha512: return DigestChecksum(EVP_sha512())
        case .md5: return DigestChecksum.md5()
        }
    }

    /// Whether multipart objects get a full-object value (CRCs combine) or a checksum of checksums.
    public var isCRC: Bool { self == .crc32 || self == .crc32c || self == .crc64nvme }
}

/// A checksum fed chunk by chunk.
public protocol RunningChecksum: AnyObject {
    func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest, big-endian bytes (what S3 base64-encodes).
    func finish() -> [UInt8]
}

extension RunningChecksum {
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
}

final class CRC32Checksum: RunningChecksum {
    private var crc: UInt = 0
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crc = crc32(crc, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
    }
    func finish() -> [UInt8] { bigEndian(UInt32(crc)) }
}

/// Slicing-by-8 tables: `tables[k * 256 + b]` is the CRC of byte `b` followed by `k` zero
/// bytes, so eight input bytes fold in with eight lookups instead of a dependent chain of
/// eight — about five times the speed of the one-table loop, which matters because S3 computes
/// a CRC-64/NVME of every upload that brings no checksum of its own.
enum CRCTables {
    /// Reflected CRC-32C (Castagnoli), polynomial 0x1EDC6F41.
    static let crc32c: [UInt32] = sliced(reflectedPolynomial: UInt32(0x82F6_3B78))
    /// Reflected CRC-64/NVME, polynomial 0xAD93D23594C93659.
    static let crc64nvme: [UInt64] = sliced(reflectedPolynomial: UInt64(0x9A6C_9329_AC4B_C9B5))

    static func sliced<T: FixedWidthInteger & UnsignedInteger>(reflectedPolynomial: T) -> [T] {
        var table = [T](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = T(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ reflectedPolynomial : c >> 1 }
            table[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(truncatingIfNeeded: previous & 0xFF)]
            }
        }
        return table
    }

    /// Folds `bytes` into a reflected CRC register `crc` (before the final inversion).
    @inline(__always)
    static func update<T: FixedWidthInteger & UnsignedInteger>(_ crc: T, _ bytes: UnsafeRawBufferPointer, _ table: UnsafeBufferPointer<T>) -> T {
        var c = crc
        var index = 0
        let count = bytes.count
        while count - index >= 8 {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ UInt64(truncatingIfNeeded: c)
            var folded: T = 0
            for k in 0..<8 {
                let byte = Int(truncatingIfNeeded: (word >> (8 * UInt64(k))) & 0xFF)
                folded ^= table[(7 - k) * 256 + byte]
            }
            c = folded
            index += 8
        }
        while index < count {
            c = table[Int(truncatingIfNeeded: (c ^ T(bytes[index])) & 0xFF)] ^ (c >> 8)
            index += 1
        }
        return c
    }
}

final class CRCTableChecksum: RunningChecksum {
    private let table: [UInt32]
    private var crc: UInt32 = 0xFFFF_FFFF
    init(width32 table: [UInt32]) { self.table = table }
    func update(_ bytes: UnsafeRawBufferPointer) {
        crc = table.withUnsafeBufferPointer { CRCTables.update(crc, bytes, $0) }
    }
    func finish() -> [UInt8] { bigEndian(crc ^ 0xFFFF_FFFF) }
}

final class CRC64Checksum: RunningChecksum {
    private var crc: UInt64 = ~0
    static let canFold = eddy_crc64nvme_can_fold() != 0

    func update(_ bytes: UnsafeRawBufferPointer) {
        crc = CRCTables.crc64nvme.withUnsafeBufferPointer { table in
            guard Self.canFold, let base = bytes.baseAddress else { return CRCTables.update(crc, bytes, table) }
            // Carry-less multiplication folds the bulk into 16 bytes; the table does the rest.
            var remainder: (UInt64, UInt64) = (0, 0)
            let folded = withUnsafeMutableBytes(of: &remainder) {
                eddy_crc64nvme_fold(crc, base.assumingMemoryBound(to: UInt8.self), bytes.count,
                                    $0.baseAddress?.assumingMemoryBound(to: UInt8.self))
            }
            guard folded > 0 else { return CRCTables.update(crc, bytes, table) }
            let c = withUnsafeBytes(of: &remainder) { CRCTables.update(0, $0, table) }
            return CRCTables.update(c, UnsafeRawBufferPointer(rebasing: bytes[folded...]), table)
        }
    }
    func finish() -> [UInt8] { bigEndian(~crc) }
}

/// MD5, SHA-1 and SHA-256 through libcrypto's EVP interface.
final class DigestChecksum: RunningChecksum {
    private let context: OpaquePointer

    init(_ md: OpaquePointer?) {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, md, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > 0 { EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) }
    }

    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out[0..<Int(length)])
    }

    static func md5() -> DigestChecksum { DigestChecksum(EVP_md5()) }
}

func bigEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.bigEndian) { Array($0) }
}

/// S3's model repeats the same checksum members on several shapes; this reads and writes
/// them by algorithm on any of them.
protocol ChecksumMembers {
    var checksumCRC32: String? { get set }
    var checksumCRC32C: String? { get set }
    var checksumCRC64NVME: String? { get set }
    var checksumSHA1: String? { get set }
    var checksumSHA256: String? { get set }
    var checksumSHA512: String? { get set }
    var checksumMD5: String? { get set }
}

extension ChecksumMembers {
    subscript(checksum algorithm: ChecksumAlgorithm) -> String? {
        get {
            switch algorithm {
            case .crc32: checksumCRC32
            case .crc32c: checksumCRC32C
            case .crc64nvme: checksumCRC64NVME
            case .sha1: checksumSHA1
            case .sha256: checksumSHA256
            case .sha512: checksumSHA512
            case .md5: checksumMD5
            }
        }
        set {
            switch algorithm {
            case .crc32: checksumCRC32 = newValue
            case .crc32c: checksumCRC32C = newValue
            case .crc64nvme: checksumCRC64NVME = newValue
            case .sha1: checksumSHA1 = newValue
            case .sha256: checksumSHA256 = newValue
            case .sha512: checksumSHA512 = newValue
            case .md5: checksumMD5 = newValue
            }
        }
    }
}

extension S3API.Checksum: ChecksumMembers {}
extension S3API.ObjectPart: ChecksumMembers {}
extension S3API.CompletedPart: ChecksumMembers {}
