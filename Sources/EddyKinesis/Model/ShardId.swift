/// `shardId-000000000000`: the shard's index, zero-padded to 12 digits.
public enum ShardId {
    public static func format(_ index: Int) -> String {
        let digits = String(index)
        return "shardId-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// Accepts `shardId-000000000001` and, as AWS does, the bare number or any `prefix-N`.
    public static func parse(_ text: String) -> Int? {
        let tail = text.split(separator: "-", omittingEmptySubsequences: false).last.map(String.init) ?? text
        guard !tail.isEmpty, tail.count <= 12, tail.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = Int(tail), n <= Int(Int32.max) else { return nil }
        return n
    }
}
