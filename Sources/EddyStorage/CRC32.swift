import CZlib

/// CRC-32 (IEEE), through zlib.
public enum CRC32 {
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return seed }
        return UInt32(crc32(UInt(seed), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
