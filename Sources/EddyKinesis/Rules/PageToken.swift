import EddyWire

/// Opaque pagination tokens: a kind, a position and the time issued (AWS's expire after 300 s).
enum PageToken {
    static let lifetimeMillis: Int64 = 300_000

    static func encode(_ position: String, kind: String, now: Int64) -> String {
        Base64.encode(Array("\(kind)|\(now)|\(position)".utf8))
    }

    /// The position and when the token was issued, or nil for a token of another kind or a malformed one.
    static func decode(_ token: String, kind: String) -> (position: String, issued: Int64)? {
        guard let bytes = try? Base64.decode(token), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == kind, let issued = Int64(parts[1]) else { return nil }
        return (String(parts[2]), issued)
    }

    /// A page position within a stream: `account|region|after|name`.
    static func streamPosition(_ key: StreamKey, after: Int64) -> String {
        "\(key.account)|\(key.region)|\(after)|\(key.name)"
    }

    static func parseStreamPosition(_ text: String) -> (key: StreamKey, after: Int64)? {
        let p = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard p.count == 4, let after = Int64(p[2]) else { return nil }
        return (StreamKey(account: String(p[0]), region: String(p[1]), name: String(p[3])), after)
    }
}
