import EddyWire

/// Picks the service a request is for, by what each service declares it is recognised by
/// (`ServiceRecognition`): the SigV4 credential scope's service first, then the `X-Amz-Target`
/// prefix, then a path prefix, then an awsQuery form; what none claims goes to the fallback (S3).
/// It also says who is calling: the region and account from the same scope.
public struct ServiceRouter: Sendable {
    public struct Configuration: Sendable {
        public var defaultRegion: String
        public var defaultAccountId: String
        /// Any credentials (the default), or signatures verified against known keys.
        public var authentication: Authentication

        public init(defaultRegion: String = "us-east-1", defaultAccountId: String = "000000000000",
                    authentication: Authentication = .any) {
            self.defaultRegion = defaultRegion
            self.defaultAccountId = defaultAccountId
            self.authentication = authentication
        }
    }

    public let configuration: Configuration
    public let services: [any AWSService]

    public init(configuration: Configuration, services: [any AWSService]) {
        self.configuration = configuration
        self.services = services
    }

    public enum Destination {
        case service(any AWSService)
        /// Signed for, or aimed at, a service Eddy does not serve (named as the request names it).
        case unserved(String)
    }

    /// The credential scope from the Authorization header or a presigned URL's X-Amz-Credential.
    public static func scope(headers: Headers, query: String?) -> CredentialScope? {
        if let scope = headers["Authorization"].flatMap(CredentialScope.init(authorization:)) { return scope }
        guard let query, query.contains("X-Amz-Credential=") else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("X-Amz-Credential=") {
            let value = pair.dropFirst("X-Amz-Credential=".count)
            // Only '/' is escaped in a credential (`AKID%2F20261123%2Fus-east-1%2Fs3%2Faws4_request`).
            let decoded = value.split(separator: "%", omittingEmptySubsequences: false).enumerated().map { i, part in
                i > 0 && (part.hasPrefix("2F") || part.hasPrefix("2f")) ? "/" + part.dropFirst(2) : (i > 0 ? "%" + part : part)
            }.joined()
            return CredentialScope(credential: Substring(decoded))
        }
        return nil
    }

    public func destination(method: String, path: String, headers: Headers, scope: CredentialScope?, target: AmzTarget?) -> Destination {
        if let name = scope?.service {
            if let s = services.first(where: { $0.recognition.signingName == name }) { return .service(s) }
            return .unserved(name)
        }
        if let target {
            if let s = services.first(where: { $0.recognition.targetPrefixes.contains(target.prefix) }) { return .service(s) }
            return .unserved(target.prefix)
        }
        if let s = services.first(where: { s in s.recognition.pathPrefixes.contains { path.hasPrefix($0) } }) { return .service(s) }
        // An unsigned awsQuery call: a form posted to `/`.
        if method == "POST", path == "/", headers["Content-Type"]?.hasPrefix(AWSQueryProtocol.contentType) == true,
           let s = services.first(where: { $0.recognition.takesQueryForms }) {
            return .service(s)
        }
        if let s = services.first(where: { $0.recognition.isFallback }) { return .service(s) }
        return .unserved("s3")
    }

    public func context(scope: CredentialScope?, service: String, requestId: String) -> RequestContext {
        RequestContext(service: service,
                       region: scope?.region ?? configuration.defaultRegion,
                       accountId: scope?.accountId(default: configuration.defaultAccountId) ?? configuration.defaultAccountId,
                       requestId: requestId)
    }

    /// The answer for a service Eddy does not serve.
    public static func notServed(_ name: String, requestId: String) -> ServiceResponse {
        AWSJSONProtocol.errorResponse(AWSError(code: "NotImplemented", message: "Eddy does not serve \(name).", status: 501),
                                      requestId: requestId)
    }
}
