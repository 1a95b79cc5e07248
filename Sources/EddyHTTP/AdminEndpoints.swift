import EddyWire

/// Eddy's own endpoints: reset for test suites, health for people and for Testcontainers'
/// LocalStack wait strategy.
public struct AdminEndpoints: Sendable {
    public let services: [any AWSService]
    public let version: String
    let onReset: @Sendable () -> Void
    /// The metrics in Prometheus text format, for `GET /metrics`.
    let prometheus: (@Sendable () -> String)?
    /// The web console, unless it is off (`--no-console`).
    let site: (any LocalSite)?

    public init(services: [any AWSService], version: String, onReset: @escaping @Sendable () -> Void = {},
                prometheus: (@Sendable () -> String)? = nil, site: (any LocalSite)? = nil) {
        self.services = services
        self.version = version
        self.onReset = onReset
        self.prometheus = prometheus
        self.site = site
    }

    /// Names health endpoints list, as LocalStack names them.
    static let allServices = ["kinesis", "firehose", "s3", "cloudwatch", "dynamodb"]

    func state(of name: String) -> String {
        let signing = name == "cloudwatch" ? "monitoring" : name
        return services.first { $0.signingName == signing }?.healthState ?? "disabled"
    }

    func handles(method: String, path: String) -> Bool {
        switch (method, path) {
        case ("GET", "/metrics") where prometheus != nil: return true
        case ("POST", "/_eddy/reset"), ("GET", "/_eddy/health"), ("HEAD", "/_eddy/health"),
             ("GET", "/_localstack/health"), ("HEAD", "/_localstack/health"): return true
        default: return false
        }
    }

    func handle(method: String, path: String, requestId: String) async -> ServiceResponse? {
        switch (method, path) {
        case ("GET", "/metrics"):
            guard let prometheus else { return nil }
            var headers = Headers()
            headers.add("Content-Type", "text/plain; version=0.0.4")
            headers.add("x-amzn-RequestId", requestId)
            return ServiceResponse(status: 200, headers: headers, body: Array(prometheus().utf8))
        case ("POST", "/_eddy/reset"):
            do {
                for s in services { try await s.reset() }
                onReset()
                return json(requestId) { w in w.member("reset", true) }
            } catch {
                return AWSJSONProtocol.errorResponse(.internalFailure("Reset failed: \(error)"), requestId: requestId)
            }
        case ("GET", "/_eddy/health"), ("HEAD", "/_eddy/health"):
            return json(requestId) { w in
                w.member("status", "running")
                w.member("version", version)
                w.key("services"); w.beginObject()
                for name in Self.allServices { w.member(name, state(of: name)) }
                w.endObject()
            }
        case ("GET", "/_localstack/health"), ("HEAD", "/_localstack/health"):
            return json(requestId) { w in
                w.key("services"); w.beginObject()
                for name in Self.allServices { w.member(name, state(of: name)) }
                w.endObject()
                w.member("edition", "community")
                w.member("version", version)
            }
        default:
            return nil
        }
    }

    private func json(_ requestId: String, _ build: (inout JSONWriter) -> Void) -> ServiceResponse {
        var w = JSONWriter()
        w.beginObject()
        build(&w)
        w.endObject()
        var headers = Headers()
        headers.add("Content-Type", "application/json")
        headers.add("x-amzn-RequestId", requestId)
        return ServiceResponse(status: 200, headers: headers, body: w.bytes)
    }
}
