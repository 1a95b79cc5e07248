import EddyWire

/// A bucket policy as S3 checks it when it is put: JSON, at most 20 KB, each statement with an
/// effect, a principal, S3 actions and resources of this bucket; and whether it makes the
/// bucket public (GetBucketPolicyStatus, Block Public Access).
struct BucketPolicy {
    static let maxBytes = 20 * 1024

    let statements: [JSONObject]

    init(_ bytes: [UInt8], bucket: String) throws(S3Error) {
        guard bytes.count <= Self.maxBytes else { throw Self.malformed("Policy exceeds the maximum allowed document size.") }
        guard bytes.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) == UInt8(ascii: "{"),
              let tree = try? JSONParser.parse(bytes), let document = tree.object else {
            throw Self.malformed("Policies must be valid JSON and the first byte must be '{'")
        }
        if let version = document["Version"], version.string != "2012-10-17", version.string != "2008-10-17" {
            throw Self.malformed("The policy must contain a valid version string")
        }
        guard let statement = document["Statement"] else { throw Self.malformed("Missing required field Statement") }
        let statements = statement.array ?? [statement]
        var checked: [JSONObject] = []
        for entry in statements {
            guard let s = entry.object else { throw Self.malformed("Statement is not well-formed") }
            guard let effect = s["Effect"] else { throw Self.malformed("Missing required field Effect") }
            guard effect.string == "Allow" || effect.string == "Deny" else {
                throw Self.malformed("Invalid effect: \(effect.string ?? ValidationMessage.render(effect))")
            }
            guard s["Principal"] != nil || s["NotPrincipal"] != nil else { throw Self.malformed("Missing required field Principal") }
            guard let actions = s["Action"] ?? s["NotAction"] else { throw Self.malformed("Missing required field Action") }
            for action in Self.strings(actions) {
                guard action == "*" || action.lowercased().hasPrefix("s3:") else { throw Self.malformed("Policy has invalid action") }
            }
            guard let resources = s["Resource"] ?? s["NotResource"] else { throw Self.malformed("Missing required field Resource") }
            for resource in Self.strings(resources) {
                let arn = "arn:aws:s3:::" + bucket
                guard resource == arn || resource.hasPrefix(arn + "/") || resource == "*" else {
                    throw Self.malformed("Policy has invalid resource")
                }
            }
            checked.append(s)
        }
        self.statements = checked
    }

    /// Public as S3 judges it: an Allow to every principal that no condition narrows.
    var isPublic: Bool {
        statements.contains { s in
            guard s["Effect"]?.string == "Allow", s["Condition"] == nil, let principal = s["Principal"] else { return false }
            if principal.string == "*" { return true }
            guard let aws = principal.object?["AWS"] else { return false }
            return Self.strings(aws).contains("*")
        }
    }

    static func strings(_ value: JSONValue) -> [String] {
        if let s = value.string { return [s] }
        return (value.array ?? []).compactMap(\.string)
    }

    static func malformed(_ message: String) -> S3Error { S3Error("MalformedPolicy", message) }
}
