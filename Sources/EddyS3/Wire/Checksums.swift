import CCrypto
import CZlib

/// The checksum algorithms S3 clients send (`x-amz-checksum-*`), computed while a body streams.
public enum ChecksumAlgorithm: String, Sendable, CaseIterable {
    case crc32 = "CRC32", crc32c = "CRC32C", crc64nvme = "CRC64NVME", sha1 = "SHA1", sha256 = "SHA256"

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

enum CRCTables {
    /// Reflected CRC-32C (Castagnoli), polynomial 0x1EDC6F41.
    static let crc32c: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }
    /// Reflected CRC-64/NVME, polynomial 0xAD93D23594C935A9.
    static let crc64nvme: [UInt64] = (0..<256).map { i in
        var c = UInt64(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : c >> 1 }
        return c
    }
}

final class CRCTableChecksum: RunningChecksum {
    private let table: [UInt32]
    private var crc: UInt32 = 0xFFFF_FFFF
    init(width32 table: [UInt32]) { self.table = table }
    func update(_ bytes: UnsafeRawBufferPointer) {
        var c = crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        crc = c
    }
    func finish() -> [UInt8] { bigEndian(crc ^ 0xFFFF_FFFF) }
}

final class CRC64Checksum: RunningChecksum {
    private var crc: UInt64 = ~0
    func update(_ bytes: UnsafeRawBufferPointer) {
        var c = crc
        CRCTables.crc64nvme.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt64(b)) & 0xFF)] ^ (c >> 8) }
        }
        crc = c
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
