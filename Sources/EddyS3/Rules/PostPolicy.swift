import EddyWire

/// The policy of a browser-based upload (`generate_presigned_post`): base64 JSON with an
/// expiration and conditions every form field must meet, signed with SigV4's signing key.
struct PostPolicy {
    let expiration: Int64
    let conditions: [JSONValue]

    static func denied(_ reason: String) -> S3Error { S3Error("AccessDenied", "Invalid according to Policy: \(reason)", status: 403) }

    init(base64 text: String) throws(S3Error) {
        guard let bytes = try? Base64.decode(text), let tree = try? JSONParser.parse(bytes), let policy = tree.object else {
            throw S3Error.invalidArgument("Invalid Policy: Invalid JSON.", name: "policy")
        }
        guard let expiration = policy["expiration"]?.string, let millis = AWSDate.parseISO8601Millis(expiration) else {
            throw S3Error.invalidArgument("Invalid Policy: Policy missing expiration.", name: "policy")
        }
        guard let conditions = policy["conditions"]?.array else {
            throw S3Error.invalidArgument("Invalid Policy: Policy missing conditions.", name: "policy")
        }
        self.expiration = millis
        self.conditions = conditions
    }

    /// Every condition met by the form, and every field (but the signature, the policy, the
    /// file and `x-ignore-` ones) named by a condition.
    func check(_ fields: [(name: String, value: String)], bucket: String, fileSize: Int, now: Int64) throws(S3Error) {
        guard now < expiration else { throw Self.denied("Policy expired.") }
        var values: [String: String] = ["bucket": bucket]
        for (name, value) in fields { values[name.lowercased()] = value }
        var covered: Set<String> = ["bucket"]
        for condition in conditions {
            if let exact = condition.object {
                for (name, expected) in exact.members {
                    let field = name.lowercased()
                    covered.insert(field)
                    guard values[field] == expected.string else {
                        throw Self.denied("Policy Condition failed: [\"eq\", \"$\(name)\", \"\(expected.string ?? "")\"]")
                    }
                }
            } else if let rule = condition.array, let op = rule.first?.string?.lowercased() {
                if op == "content-length-range" {
                    guard rule.count == 3, let low = rule[1].int, let high = rule[2].int else { throw S3Error.invalidArgument("Invalid Policy: Invalid content-length-range.", name: "policy") }
                    if fileSize > high { throw S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", [("ProposedSize", String(fileSize)), ("MaxSizeAllowed", String(high))]) }
                    if fileSize < low { throw S3Error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", [("ProposedSize", String(fileSize)), ("MinSizeAllowed", String(low))]) }
                    continue
                }
                guard rule.count == 3, let reference = rule[1].string, reference.hasPrefix("$"), let operand = rule[2].string,
                      op == "eq" || op == "starts-with" else {
                    throw S3Error.invalidArgument("Invalid Policy: Invalid Simple-Condition.", name: "policy")
                }
                let field = String(reference.dropFirst()).lowercased()
                covered.insert(field)
                let value = values[field] ?? ""
                let met = op == "eq" ? value == operand : value.hasPrefix(operand)
                guard met else { throw Self.denied("Policy Condition failed: [\"\(op)\", \"\(reference)\", \"\(operand)\"]") }
            } else {
                throw S3Error.invalidArgument("Invalid Policy: Invalid Condition.", name: "policy")
            }
        }
        let exempt: Set<String> = ["policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"]
        let extra = fields.map { $0.name.lowercased() }.filter { !covered.contains($0) && !exempt.contains($0) && !$0.hasPrefix("x-ignore-") }
        if let first = extra.first { throw Self.denied("Extra input fields: \(first)") }
    }

    /// The SigV4 signature of the policy: HMAC of its base64 text with the signing key of the
    /// credential the form names. Returns the credential's account.
    static func verify(_ form: MultipartForm, credentials: Credentials) throws(S3Error) -> String {
        guard form.field("x-amz-algorithm") == SigV4.algorithm, let policy = form.field("policy"),
              let credential = form.field("x-amz-credential"), let scope = SigV4.Scope(Substring(credential)),
              let signature = form.field("x-amz-signature") else {
            throw S3Error("AccessDenied", "Access Denied", status: 403)
        }
        guard let key = credentials.key(scope.accessKeyId) else {
            throw S3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", status: 403,
                          [("AWSAccessKeyId", scope.accessKeyId)])
        }
        let expected = Hex.lower(HMACDigest.sha256(key: SigV4.signingKey(secret: key.secret, scope: scope), Array(policy.utf8)))
        guard HMACDigest.constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
            throw S3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", status: 403)
        }
        return key.accountId
    }
}
