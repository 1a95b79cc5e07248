import EddyWire

/// Kinesis routes a record by the MD5 of its partition key read as a 128-bit unsigned integer
/// (or by an explicit hash key); each open shard owns a contiguous range of that space.
public enum HashKey {
    public static func of(partitionKey: String) -> UInt128 {
        var key = partitionKey
        let digest = key.withUTF8 { MD5Digest.of(UnsafeRawBufferPointer($0)) }
        return digest.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
    }

    /// Parses a decimal hash key; nil when it is not a number in [0, 2^128-1].
    public static func parse(_ text: String) -> UInt128? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt128(text)
    }

    /// The ranges CreateStream gives `count` shards: the space split evenly, the last shard
    /// taking the remainder, as AWS does (floor(2^128 / count) per shard).
    public static func evenRanges(count: Int) -> [ClosedRange<UInt128>] {
        guard count > 0 else { return [] }
        if count == 1 { return [0...UInt128.max] }
        let n = UInt128(count)
        // floor(2^128 / n) without representing 2^128.
        let (q, r) = UInt128.max.quotientAndRemainder(dividingBy: n)
        let width = r == n - 1 ? q + 1 : q
        return (0..<count).map { i in
            let start = width * UInt128(i)
            let end = i == count - 1 ? UInt128.max : width * UInt128(i + 1) - 1
            return start...end
        }
    }
}
