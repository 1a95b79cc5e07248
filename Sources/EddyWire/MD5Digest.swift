import CCrypto

/// MD5 through libcrypto: Kinesis routes partition keys by it and KPL aggregates end with it.
public enum MD5Digest {
    public static let length = 16

    public static func of(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        _ = MD5(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &digest)
        return digest
    }

    public static func of(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { of($0) } }
}
