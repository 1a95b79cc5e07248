import EddyWire
import Logging
import Synchronization

/// Takes a complete request to its service (or an admin endpoint) off the event loop.
package final class RequestDispatcher: Sendable {
    let router: ServiceRouter
    let admin: AdminEndpoints
    let logger: Logger
    /// Requests being served (shutdown waits for them).
    let inFlight = Atomic<Int>(0)
    /// The most a compressed body may inflate to (the one-body limit).
    let maxBodyBytes: Int

    package init(router: ServiceRouter, admin: AdminEndpoints, logger: Logger, maxBodyBytes: Int = ConnectionLimits().maxBodyBytes) {
        self.router = router
        self.admin = admin
        self.logger = logger
        self.maxBodyBytes = maxBodyBytes
    }

    /// Where a request goes, decided from its head (before the body arrives).
    package struct Route: Sendable {
        package enum Target: Sendable {
            case admin
            case site(any LocalSite)
            case unserved(String)
            case service(any AWSService)
        }

        package var target: Target
        package var head: RequestHead
        /// Refused before its body is read (a signature that does not verify).
        package var refusal: AWSError?
    }

    /// The head is read once here: its path and query split, its credential scope and target
    /// parsed, the service picked.
    package func route(method: String, uri: String, headers: Headers) -> Route {
        let requestId = RequestId.make()
        let (path, query) = Self.split(uri)
        let scope = ServiceRouter.scope(headers: headers, query: query)
        func head(_ service: String) -> RequestHead {
            RequestHead(method: method, path: path, query: query, headers: headers,
                        context: router.context(scope: scope, service: service, requestId: requestId))
        }
        // `/metrics` is Prometheus' unless it is a signed S3 request for a bucket of that name.
        let scrape = path == "/metrics" && query == nil && headers["Authorization"] == nil
        if (path.hasPrefix("/_eddy/") || path.hasPrefix("/_localstack/") || scrape) && admin.handles(method: method, path: path) {
            return Route(target: .admin, head: head("eddy"))
        }
        if path == "/_eddy" || path.hasPrefix("/_eddy/"), let site = admin.site, site.handles(method: method, path: path) {
            return Route(target: .site(site), head: head("eddy"))
        }
        var probe = head("")
        switch router.destination(method: method, path: path, headers: headers, scope: scope, target: probe.target) {
        case .unserved(let name):
            probe.context.service = name
            return Route(target: .unserved(name), head: probe)
        case .service(let service):
            probe.context.service = service.recognition.signingName
            var route = Route(target: .service(service), head: probe)
            if case .verify(let credentials) = router.configuration.authentication, !service.isAnonymous(probe) {
                authenticate(&route, service, credentials, bodyHash: nil)
            }
            return route
        }
    }

    /// With `--auth verify`: a request signed with a known key acts in that key's account; one
    /// that is not is refused with the service's own error. Checked from the head alone when
    /// the payload's hash is declared (S3 always declares it, so an upload is refused before
    /// its body is read and its chunks are checked against the head's signature), and again
    /// with the body's hash once a buffered body has arrived.
    func authenticate(_ route: inout Route, _ service: any AWSService, _ credentials: Credentials, bodyHash: String?) {
        let head = route.head
        let request = SigV4.Request(method: head.method, path: head.path, query: head.query, headers: head.headers,
                                    isS3: service.recognition.signingName == "s3")
        switch SigV4.verify(request, credentials: credentials, nowMillis: WallClock.nowMillis(), bodyHash: bodyHash) {
        case .verified(let who):
            route.head.context.accountId = who.accountId
            route.head.context.region = who.region
            route.head.context.signing = who.signing
        case .needsBody where request.isS3:
            route.refusal = AWSError(code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256")
        case .needsBody:
            break
        case .failed(let failure):
            route.refusal = failure.awsError(service.recognition.authErrors)
        }
    }

    package func sink(for route: Route) -> (any RequestBodySink)? {
        if route.refusal == nil, case .service(let service) = route.target { return service.bodySink(for: route.head) }
        return nil
    }

    /// An error the front answers, in the format of the service the request is for.
    package func errorResponse(_ error: AWSError, _ route: Route) -> ServiceResponse {
        if case .service(let service) = route.target { return service.errorResponse(error, head: route.head) }
        return AWSJSONProtocol.errorResponse(error, requestId: route.head.context.requestId)
    }

    package func dispatch(_ route: Route, body: [UInt8], streamed: (any Sendable)?) async -> ServiceResponse {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .releasing) }
        let requestId = route.head.context.requestId
        switch route.target {
        case .admin:
            if case .verify = router.configuration.authentication, route.head.path == "/_eddy/reset" {
                return AWSJSONProtocol.errorResponse(AWSError(code: "AccessDenied", message: "Reset is off while signatures are verified (--auth verify).",
                                                              status: 403), requestId: requestId)
            }
            return await admin.handle(method: route.head.method, path: route.head.path, requestId: requestId)
                ?? ServiceRouter.notServed("this Eddy endpoint", requestId: requestId)
        case .site(let site):
            return await site.handle(ServiceRequest(head: route.head, body: body))
        case .unserved(let name):
            return ServiceRouter.notServed(name, requestId: requestId)
        case .service(let service):
            var route = route
            if route.refusal == nil, streamed == nil, case .verify(let credentials) = router.configuration.authentication,
               !service.isAnonymous(route.head) {
                authenticate(&route, service, credentials, bodyHash: SHA256Digest.hex(body))
            }
            if case .verify = router.configuration.authentication, streamed != nil, route.head.context.signing == nil {
                // A streamed body is only taken once the head's signature was verified.
                return service.errorResponse(AuthFailure.missing.awsError(service.recognition.authErrors), head: route.head)
            }
            if let refusal = route.refusal { return service.errorResponse(refusal, head: route.head) }
            var body = body
            if service.recognition.takesCompressedBodies, streamed == nil {
                do {
                    body = try ContentEncoding.decode(body, header: route.head.headers["Content-Encoding"], limit: maxBodyBytes)
                } catch {
                    return service.errorResponse(error, head: route.head)
                }
            }
            let request = ServiceRequest(head: route.head, body: body, streamedBody: streamed)
            guard logger.logLevel <= .debug else { return await service.handle(request) }
            let start = ContinuousClock.now
            let response = await service.handle(request)
            let operation = route.head.target?.header ?? "\(route.head.method) \(route.head.path)"
            let elapsed = (ContinuousClock.now - start).components
            let micros = elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000
            logger.debug("\(service.recognition.signingName) \(route.head.context.region) \(operation) -> \(response.status) in \(micros / 1000).\(micros % 1000 / 100) ms")
            return response
        }
    }

    static func split(_ uri: String) -> (String, String?) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<q]), String(uri[uri.index(after: q)...]))
    }
}
