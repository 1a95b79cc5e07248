/// The access keys a verifying server knows: `AKID:SECRET[:ACCOUNT],…` (`--credentials`,
/// `EDDY_CREDENTIALS`). A key without an account acts in the default one.
public struct Credentials: Sendable {
    public struct Key: Sendable, Equatable {
        public var accessKeyId: String
        public var secret: String
        public var accountId: String
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    private var keys: [String: Key] = [:]

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    public init(parsing text: String, defaultAccount: String) throws(ParseError) {
        for entry in text.split(separator: ",") {
            let parts = entry.trimmingSpaces.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3, let id = parts.first, let secret = parts.dropFirst().first,
                  !id.isEmpty, !secret.isEmpty, id.utf8.count <= 128 else {
                throw ParseError(description: "a credential is ACCESS_KEY_ID:SECRET[:ACCOUNT] (got '\(entry.prefix(40))…')")
            }
            let account = parts.count == 3 ? parts[2] : defaultAccount
            guard account.utf8.count == 12, account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw ParseError(description: "the account of \(id) must be 12 digits (got '\(account)')")
            }
            guard keys[id] == nil else { throw ParseError(description: "the access key \(id) is given twice") }
            keys[id] = Key(accessKeyId: id, secret: secret, accountId: account)
        }
    }

    public func key(_ accessKeyId: String) -> Key? { keys[accessKeyId] }
}

/// How the front treats signatures.
public enum Authentication: Sendable {
    /// Any credentials, as a local emulator should: the scope names region and account only.
    case any
    /// Signatures are verified against these keys.
    case verify(Credentials)
}

/// Why a request's signature was refused.
public enum AuthFailure: Error, Sendable, Equatable {
    case missing
    case malformed(String)
    /// Presigned-URL parameters that do not hold together.
    case malformedQuery(String)
    case unsupported(String)
    case unknownAccessKey(String)
    case signatureMismatch(canonicalRequest: String, stringToSign: String, provided: String)
    case expired(requestTime: String, now: String)
    case notYetCurrent(requestTime: String, now: String)
    case presignedExpired(expires: String, now: String, seconds: Int)
    case contentHashMismatch(declared: String, computed: String)
    /// A chunk of a signed `aws-chunked` body, or its trailer.
    case chunkSignatureMismatch

    /// The error each service's own front answers: JSON services (Kinesis, Firehose) as
    /// `…Exception` 400s, query services (CloudWatch) as 403s, S3 with its codes and details.
    public func awsError(_ style: AuthErrorStyle) -> AWSError {
        let mismatch = "The request signature we calculated does not match the signature you provided."
        let skew = SigV4.allowedSkewMillis / 60_000
        switch (self, style) {
        case (.missing, .json): return AWSError(code: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
        case (.missing, .query): return AWSError(code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", status: 403)
        case (.missing, .s3): return AWSError(code: "AccessDenied", message: "Access Denied", status: 403)

        case (.malformed(let why), .json): return AWSError(code: "IncompleteSignatureException", message: "Incomplete signature: \(why).")
        case (.malformed(let why), .query): return AWSError(code: "IncompleteSignature", message: "Incomplete signature: \(why).")
        case (.malformed(let why), .s3): return AWSError(code: "AuthorizationHeaderMalformed", message: "The authorization header is malformed; \(why).")
        case (.malformedQuery(let why), .s3): return AWSError(code: "AuthorizationQueryParametersError", message: "Query-string authentication is malformed: \(why).")
        case (.malformedQuery(let why), _): return AuthFailure.malformed(why).awsError(style)

        case (.unsupported(let what), .s3):
            return AWSError(code: "InvalidRequest", message: "The authorization mechanism you have provided (\(what)) is not supported. Please use AWS4-HMAC-SHA256.")
        case (.unsupported(let what), _):
            return AuthFailure.malformed("\(what) is not supported; sign with AWS4-HMAC-SHA256").awsError(style)

        case (.unknownAccessKey, .json): return AWSError(code: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
        case (.unknownAccessKey, .query): return AWSError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403)
        case (.unknownAccessKey(let id), .s3):
            return AWSError(code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.", status: 403,
                            details: [("AWSAccessKeyId", id)])

        case (.signatureMismatch, .json):
            return AWSError(code: "InvalidSignatureException", message: mismatch + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        case (.signatureMismatch, .query):
            return AWSError(code: "SignatureDoesNotMatch", message: mismatch + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", status: 403)
        case (.signatureMismatch(let canonical, let stringToSign, let provided), .s3):
            return AWSError(code: "SignatureDoesNotMatch", message: mismatch + " Check your key and signing method.", status: 403,
                            details: [("StringToSign", stringToSign), ("SignatureProvided", provided), ("CanonicalRequest", canonical)])

        case (.expired(let time, let now), .s3), (.notYetCurrent(let time, let now), .s3):
            return AWSError(code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large.", status: 403,
                            details: [("RequestTime", time), ("ServerTime", now), ("MaxAllowedSkewMilliseconds", String(SigV4.allowedSkewMillis))])
        case (.expired(let time, let now), _):
            let text = "Signature expired: \(time) is now earlier than \(SigV4.basicDate((SigV4.parseBasicDate(now) ?? 0) - SigV4.allowedSkewMillis)) (\(now) - \(skew) min.)"
            return style == .json ? AWSError(code: "InvalidSignatureException", message: text) : AWSError(code: "SignatureDoesNotMatch", message: text, status: 403)
        case (.notYetCurrent(let time, let now), _):
            let text = "Signature not yet current: \(time) is still later than \(SigV4.basicDate((SigV4.parseBasicDate(now) ?? 0) + SigV4.allowedSkewMillis)) (\(now) + \(skew) min.)"
            return style == .json ? AWSError(code: "InvalidSignatureException", message: text) : AWSError(code: "SignatureDoesNotMatch", message: text, status: 403)

        case (.presignedExpired(let expires, let now, let seconds), .s3):
            return AWSError(code: "AccessDenied", message: "Request has expired", status: 403,
                            details: [("X-Amz-Expires", String(seconds)), ("Expires", expires), ("ServerTime", now)])
        case (.presignedExpired(let expires, let now, _), _):
            return AuthFailure.expired(requestTime: expires, now: now).awsError(style)

        case (.contentHashMismatch(let declared, let computed), .s3):
            return AWSError(code: "XAmzContentSHA256Mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
                            details: [("ClientComputedContentSHA256", declared), ("S3ComputedContentSHA256", computed)])
        case (.contentHashMismatch, _), (.chunkSignatureMismatch, .json), (.chunkSignatureMismatch, .query):
            return AuthFailure.signatureMismatch(canonicalRequest: "", stringToSign: "", provided: "").awsError(style)
        case (.chunkSignatureMismatch, .s3):
            return AWSError(code: "SignatureDoesNotMatch", message: mismatch + " Check your key and signing method.", status: 403)
        }
    }
}

/// Which family of authentication errors a service answers.
public enum AuthErrorStyle: Sendable {
    case json, query, s3
}
