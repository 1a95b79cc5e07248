/// Signature Version 4, checked as AWS checks it, for servers that should not take any
/// credentials (`--auth verify`). Pure: a request's parts and the time in, a verdict out.
///
/// Three ways a request is signed: the `Authorization` header; a presigned URL (the same
/// fields in the query, with `X-Amz-Expires`); and, for S3 uploads, a header signature whose
/// payload is `aws-chunked`, each chunk (and the trailer) signed in a chain from it — the
/// chain is checked by the upload as chunks arrive, with the `SigningContext` of the head.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// How far a signed request's time may be from the server's (AWS: 15 minutes).
    public static let allowedSkewMillis: Int64 = 15 * 60 * 1000
    /// A presigned URL lives at most 7 days.
    public static let maxExpiresSeconds = 604_800
    public static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The parts of a request a signature covers, as they arrived.
    public struct Request: Sendable {
        public var method: String
        /// The path as sent, still percent-encoded.
        public var path: String
        public var query: String?
        public var headers: Headers
        /// S3 signs the path as sent; other services sign it encoded once more.
        public var isS3: Bool

        public init(method: String, path: String, query: String?, headers: Headers, isS3: Bool) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.isS3 = isS3
        }
    }

    /// Who signed, and what a streamed body's chunks are checked against.
    public struct Verified: Sendable, Equatable {
        public var accessKeyId: String
        public var accountId: String
        public var region: String
        public var service: String
        public var signing: SigningContext
    }

    public enum Verdict: Sendable, Equatable {
        case verified(Verified)
        /// Header-signed without `X-Amz-Content-SHA256`: the body's hash is part of what was
        /// signed, so the answer waits for the body (`verify(…, bodyHash:)`).
        case needsBody
        case failed(AuthFailure)
    }

    /// `bodyHash` is the hex SHA-256 of the body when it has arrived.
    public static func verify(_ request: Request, credentials: Credentials, nowMillis: Int64, bodyHash: String? = nil) -> Verdict {
        let signed: Signed
        switch Signed.read(request) {
        case .success(let s): signed = s
        case .failure(let failure): return .failed(failure)
        }
        guard let key = credentials.key(signed.scope.accessKeyId) else { return .failed(.unknownAccessKey(signed.scope.accessKeyId)) }
        if let failure = signed.timeFailure(nowMillis: nowMillis) { return .failed(failure) }
        let payloadHash: String
        if let declared = signed.declaredPayloadHash {
            payloadHash = declared
            if Hex.isHex(declared, count: 64), let bodyHash, declared.lowercased() != bodyHash {
                return .failed(.contentHashMismatch(declared: declared, computed: bodyHash))
            }
        } else if let bodyHash {
            payloadHash = bodyHash
        } else {
            return .needsBody
        }
        let canonical = canonicalRequest(request, signedHeaders: signed.signedHeaders, payloadHash: payloadHash,
                                         excludingQuery: signed.presigned ? "X-Amz-Signature" : nil)
        let stringToSign = [algorithm, signed.amzDate, signed.scope.path, SHA256Digest.hex(Array(canonical.utf8))].joined(separator: "\n")
        let signingKey = signingKey(secret: key.secret, scope: signed.scope)
        let expected = Hex.lower(HMACDigest.sha256(key: signingKey, Array(stringToSign.utf8)))
        guard HMACDigest.constantTimeEqual(Array(expected.utf8), Array(signed.signature.lowercased().utf8)) else {
            return .failed(.signatureMismatch(canonicalRequest: canonical, stringToSign: stringToSign, provided: signed.signature))
        }
        let context = SigningContext(signingKey: signingKey, amzDate: signed.amzDate, scope: signed.scope.path, seedSignature: expected)
        return .verified(Verified(accessKeyId: key.accessKeyId, accountId: key.accountId, region: signed.scope.region,
                                  service: signed.scope.service, signing: context))
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    public static func signingKey(secret: String, scope: Scope) -> [UInt8] {
        var key = HMACDigest.sha256(key: Array(("AWS4" + secret).utf8), Array(scope.date.utf8))
        for part in [scope.region, scope.service, "aws4_request"] { key = HMACDigest.sha256(key: key, Array(part.utf8)) }
        return key
    }

    // MARK: What was signed

    public struct Scope: Sendable, Equatable {
        public var accessKeyId: String
        public var date: String
        public var region: String
        public var service: String
        public var path: String { "\(date)/\(region)/\(service)/aws4_request" }

        /// `AKID/20261201/us-east-1/kinesis/aws4_request`.
        public init?(_ credential: Substring) {
            let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty, parts[1].utf8.count == 8,
                  parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
            accessKeyId = String(parts[0])
            date = String(parts[1])
            region = String(parts[2])
            service = String(parts[3])
        }
    }

    /// The signature fields of a request, from its header or its query.
    struct Signed {
        var scope: Scope
        var signedHeaders: [String]
        var signature: String
        var amzDate: String
        var requestMillis: Int64
        var presigned: Bool
        var expiresSeconds: Int?
        var declaredPayloadHash: String?

        static func read(_ request: Request) -> Result<Signed, AuthFailure> {
            if let authorization = request.headers["Authorization"] { return fromHeader(authorization, request) }
            let query = QueryParameters(request.query)
            if query["X-Amz-Algorithm"] != nil || query["X-Amz-Signature"] != nil { return fromQuery(query, request) }
            if query["Signature"] != nil, query["AWSAccessKeyId"] != nil { return .failure(.unsupported("Signature Version 2 query authentication")) }
            return .failure(.missing)
        }

        static func fromHeader(_ authorization: String, _ request: Request) -> Result<Signed, AuthFailure> {
            guard authorization.utf8.count <= 8192 else { return .failure(.malformed("the Authorization header is too long")) }
            guard authorization.hasPrefix(algorithm + " ") else {
                if authorization.hasPrefix("AWS ") { return .failure(.unsupported("Signature Version 2 (Authorization: AWS …)")) }
                let name = authorization.split(separator: " ").first.map { String($0.prefix(40)) } ?? ""
                return .failure(.unsupported("the authorization algorithm '\(name)'"))
            }
            var fields: [String: Substring] = [:]
            for part in authorization.dropFirst(algorithm.utf8.count + 1).split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2 else { return .failure(.malformed("'\(part.prefix(60))' is not a key=value pair")) }
                fields[String(pair[0].trimmingSpaces)] = pair[1].trimmingSpaces
            }
            for name in ["Credential", "SignedHeaders", "Signature"] where fields[name] == nil {
                return .failure(.malformed("the Authorization header requires a '\(name)' parameter"))
            }
            guard let credential = fields["Credential"], let scope = Scope(credential) else {
                return .failure(.malformed("the Credential '\(fields["Credential"]?.prefix(120) ?? "")' is not AKID/yyyyMMdd/region/service/aws4_request"))
            }
            let dateText = request.headers["X-Amz-Date"] ?? request.headers["Date"].flatMap(AWSDate.parse).map(basicDate)
            guard let amzDate = dateText, let millis = parseBasicDate(amzDate) else {
                return .failure(.malformed("a signed request needs an X-Amz-Date (yyyyMMdd'T'HHmmss'Z') or Date header"))
            }
            return finish(scope: scope, signedHeaders: fields["SignedHeaders"] ?? "", signature: fields["Signature"] ?? "",
                          amzDate: amzDate, millis: millis, presigned: false, expires: nil,
                          declared: request.headers["X-Amz-Content-SHA256"])
        }

        static func fromQuery(_ query: QueryParameters, _ request: Request) -> Result<Signed, AuthFailure> {
            guard query["X-Amz-Algorithm"] == algorithm else {
                return .failure(.malformedQuery("X-Amz-Algorithm only supports \"\(algorithm)\""))
            }
            for name in ["X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"] where query[name] == nil {
                return .failure(.malformedQuery("the query string requires \(name)"))
            }
            guard let credential = query["X-Amz-Credential"], let scope = Scope(Substring(credential)) else {
                return .failure(.malformedQuery("X-Amz-Credential is not AKID/yyyyMMdd/region/service/aws4_request"))
            }
            guard let amzDate = query["X-Amz-Date"], let millis = parseBasicDate(amzDate) else {
                return .failure(.malformedQuery("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""))
            }
            guard let expiresText = query["X-Amz-Expires"], expiresText.utf8.count <= 7, let expires = Int(expiresText),
                  (1...maxExpiresSeconds).contains(expires) else {
                return .failure(.malformedQuery("X-Amz-Expires must be between 1 and \(maxExpiresSeconds) seconds"))
            }
            return finish(scope: scope, signedHeaders: Substring(query["X-Amz-SignedHeaders"] ?? ""), signature: Substring(query["X-Amz-Signature"] ?? ""),
                          amzDate: amzDate, millis: millis, presigned: true, expires: expires,
                          declared: request.headers["X-Amz-Content-SHA256"] ?? (request.isS3 ? "UNSIGNED-PAYLOAD" : nil))
        }

        static func finish(scope: Scope, signedHeaders: Substring, signature: Substring, amzDate: String, millis: Int64,
                           presigned: Bool, expires: Int?, declared: String?) -> Result<Signed, AuthFailure> {
            guard amzDate.hasPrefix(scope.date) else {
                return .failure(.malformed("the date in the credential scope (\(scope.date)) is not the date of X-Amz-Date (\(amzDate.prefix(8)))"))
            }
            let names = signedHeaders.split(separator: ";").map { $0.lowercased() }
            guard !names.isEmpty, names.count <= 64, names.contains("host") else {
                return .failure(.malformed("SignedHeaders must list the signed headers, host among them"))
            }
            guard Hex.isHex(String(signature), count: 64) else { return .failure(.malformed("the Signature is not 64 hex digits")) }
            return .success(Signed(scope: scope, signedHeaders: names, signature: String(signature), amzDate: amzDate,
                                   requestMillis: millis, presigned: presigned, expiresSeconds: expires, declaredPayloadHash: declared))
        }

        func timeFailure(nowMillis: Int64) -> AuthFailure? {
            if let expiresSeconds {
                if nowMillis > requestMillis + Int64(expiresSeconds) * 1000 {
                    return .presignedExpired(expires: basicDate(requestMillis + Int64(expiresSeconds) * 1000), now: basicDate(nowMillis),
                                             seconds: expiresSeconds)
                }
                if requestMillis - nowMillis > allowedSkewMillis { return .notYetCurrent(requestTime: amzDate, now: basicDate(nowMillis)) }
                return nil
            }
            if nowMillis - requestMillis > allowedSkewMillis { return .expired(requestTime: amzDate, now: basicDate(nowMillis)) }
            if requestMillis - nowMillis > allowedSkewMillis { return .notYetCurrent(requestTime: amzDate, now: basicDate(nowMillis)) }
            return nil
        }
    }

    // MARK: The canonical request

    public static func canonicalRequest(_ request: Request, signedHeaders: [String], payloadHash: String, excludingQuery: String? = nil) -> String {
        let path = request.path.isEmpty ? "/" : request.path
        var lines = [request.method, request.isS3 ? path : uriEncode(path, keepSlash: true)]
        lines.append(canonicalQuery(request.query, excluding: excludingQuery))
        var headerLines = ""
        for name in signedHeaders {
            let values = request.headers.fields.filter { $0.name.lowercased() == name }.map { collapse($0.value) }
            headerLines += name + ":" + values.joined(separator: ",") + "\n"
        }
        lines.append(headerLines)
        lines.append(signedHeaders.joined(separator: ";"))
        lines.append(payloadHash)
        return lines.joined(separator: "\n")
    }

    /// Name=value pairs decoded, then encoded as SigV4 encodes, sorted by name, then value.
    static func canonicalQuery(_ query: String?, excluding: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(kv[0])
            if name == excluding { continue }
            pairs.append((uriEncode(name, keepSlash: false), uriEncode(kv.count > 1 ? percentDecode(kv[1]) : "", keepSlash: false)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; every other byte is %XX (uppercase).
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for c in text.utf8 {
            switch c {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(c)
            case UInt8(ascii: "/") where keepSlash:
                out.append(c)
            default:
                out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentDecode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), bytes.count - i > 2, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Trimmed, runs of spaces as one.
    static func collapse(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for c in value.trimmingCharacters() {
            let space = c == " " || c == "\t"
            if space && lastWasSpace { continue }
            out.append(space ? " " : c)
            lastWasSpace = space
        }
        return out
    }

    // MARK: Dates

    /// `20261201T225319Z` → milliseconds, range-checked.
    public static func parseBasicDate(_ text: String) -> Int64? {
        let u = Array(text.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z"),
              u[0..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u[9..<15].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func num(_ a: Int, _ b: Int) -> Int { u[a..<b].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return AWSDate.checkedMillis(num(0, 4), num(4, 6), num(6, 8), num(9, 11), num(11, 13), num(13, 15))
    }

    public static func basicDate(_ millis: Int64) -> String {
        let iso = AWSDate.iso8601(millis)  // 2026-12-01T22:53:19.000Z
        let digits = iso.utf8.prefix(19).filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ":") }
        return String(decoding: digits, as: UTF8.self) + "Z"
    }
}

/// What a chunk of a signed `aws-chunked` body is checked against: each chunk's signature
/// signs its data and the signature before it, starting from the header's.
public struct SigningContext: Sendable, Equatable {
    public var signingKey: [UInt8]
    public var amzDate: String
    public var scope: String
    public var seedSignature: String

    public init(signingKey: [UInt8], amzDate: String, scope: String, seedSignature: String) {
        self.signingKey = signingKey
        self.amzDate = amzDate
        self.scope = scope
        self.seedSignature = seedSignature
    }

    public func chunkSignature(previous: String, chunkHash: String) -> String {
        sign(["AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope, previous, SigV4.emptyHash, chunkHash])
    }

    /// The trailer's: its `name:value\n` lines hashed.
    public func trailerSignature(previous: String, trailers: [(String, String)]) -> String {
        let text = trailers.map { "\($0.0):\($0.1)\n" }.joined()
        return sign(["AWS4-HMAC-SHA256-TRAILER", amzDate, scope, previous, SHA256Digest.hex(Array(text.utf8))])
    }

    func sign(_ lines: [String]) -> String {
        Hex.lower(HMACDigest.sha256(key: signingKey, Array(lines.joined(separator: "\n").utf8)))
    }
}

/// A raw query's parameters, decoded (the first of a repeated name).
struct QueryParameters {
    var values: [String: String] = [:]

    init(_ query: String?) {
        for part in (query ?? "").split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = SigV4.percentDecode(kv[0])
            if values[name] == nil { values[name] = kv.count > 1 ? SigV4.percentDecode(kv[1]) : "" }
        }
    }

    subscript(name: String) -> String? { values[name] }
}

extension String {
    func trimmingCharacters() -> Substring { Substring(self).trimmingSpaces }
}
