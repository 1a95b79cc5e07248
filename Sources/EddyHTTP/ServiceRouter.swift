import EddyWire

/// Picks the service a request is for and fills in who is calling: the SigV4 credential scope
/// first (service, region, access key), then the `X-Amz-Target` prefix, then the path.
public struct ServiceRouter: Sendable {
    public struct Configuration: Sendable {
        public var defaultRegion: String
        public var defaultAccountId: String

        public init(defaultRegion: String = "us-east-1", defaultAccountId: String = "000000000000") {
            self.defaultRegion = defaultRegion
            self.defaultAccountId = defaultAccountId
        }
    }

    public let configuration: Configuration
    public let services: [any AWSService]

    /// Services Eddy will serve but does not yet, by signing name, with their full names.
    static let planned: [String: String] = [
        "firehose": "Amazon Data Firehose",
        "monitoring": "Amazon CloudWatch",
    ]
    static let plannedTargets: [String: String] = [
        "Firehose_20150804": "firehose",
        "GraniteServiceVersion20100801": "monitoring",
    ]

    public init(configuration: Configuration, services: [any AWSService]) {
        self.configuration = configuration
        self.services = services
    }

    public enum Destination {
        case service(any AWSService)
        case planned(signingName: String)
    }

    /// The credential scope from the Authorization header or a presigned URL's X-Amz-Credential.
    static func scope(headers: Headers, query: String?) -> CredentialScope? {
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

    public func destination(method: String, path: String, query: String? = nil, headers: Headers) -> Destination {
        let scope = Self.scope(headers: headers, query: query)
        if let name = scope?.service {
            if let s = services.first(where: { $0.signingName == name }) { return .service(s) }
            if Self.planned[name] != nil { return .planned(signingName: name) }
        }
        if let target = headers["X-Amz-Target"], let dot = target.firstIndex(of: ".") {
            let prefix = String(target[..<dot])
            if let s = services.first(where: { $0.targetPrefix == prefix }) { return .service(s) }
            if let name = Self.plannedTargets[prefix] { return .planned(signingName: name) }
        }
        if path.hasPrefix("/service/GraniteServiceVersion20100801/") {
            // smithy rpc-v2-cbor: CloudWatch answers its own NotImplemented for it.
            if let s = services.first(where: { $0.signingName == "monitoring" }) { return .service(s) }
            return .planned(signingName: "monitoring")
        }
        // An unsigned awsQuery call (`Action=…` form posted to /): CloudWatch is the service here that speaks it.
        if method == "POST", path == "/", headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            if let s = services.first(where: { $0.signingName == "monitoring" }) { return .service(s) }
            return .planned(signingName: "monitoring")
        }
        if let name = scope?.service, let s = services.first(where: { $0.signingName == name }) { return .service(s) }
        if let s3 = services.first(where: { $0.signingName == "s3" }) { return .service(s3) }
        // Unsigned POST / with a JSON body and no target: most likely a misconfigured Kinesis client.
        return .planned(signingName: "s3")
    }

    public func context(headers: Headers, query: String? = nil, service: String, requestId: String) -> RequestContext {
        let scope = Self.scope(headers: headers, query: query)
        return RequestContext(service: service,
                              region: scope?.region ?? configuration.defaultRegion,
                              accountId: scope?.accountId(default: configuration.defaultAccountId) ?? configuration.defaultAccountId,
                              requestId: requestId)
    }

    /// The answer for a service Eddy does not serve yet, in that service's error format.
    public static func notServed(_ signingName: String, requestId: String) -> ServiceResponse {
        let name = planned[signingName] ?? signingName
        let message = "Eddy does not serve \(name) (\(signingName)) yet."
        if signingName == "s3" {
            var headers = Headers()
            headers.add("x-amz-request-id", requestId)
            headers.add("Content-Type", "application/xml")
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NotImplemented</Code><Message>\(message)</Message><RequestId>\(requestId)</RequestId></Error>"
            return ServiceResponse(status: 501, headers: headers, body: Array(xml.utf8))
        }
        return AWSJSONProtocol.errorResponse(AWSError(code: "NotImplemented", message: message, status: 501), requestId: requestId)
    }
}
