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
            case unserved(String)
            case service(any AWSService)
        }

        package var target: Target
        package var head: RequestHead
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
        var probe = head("")
        switch router.destination(method: method, path: path, headers: headers, scope: scope, target: probe.target) {
        case .unserved(let name):
            probe.context.service = name
            return Route(target: .unserved(name), head: probe)
        case .service(let service):
            probe.context.service = service.recognition.signingName
            return Route(target: .service(service), head: probe)
        }
    }

    package func sink(for route: Route) -> (any RequestBodySink)? {
        if case .service(let service) = route.target { return service.bodySink(for: route.head) }
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
            return await admin.handle(method: route.head.method, path: route.head.path, requestId: requestId)
                ?? ServiceRouter.notServed("this Eddy endpoint", requestId: requestId)
        case .unserved(let name):
            return ServiceRouter.notServed(name, requestId: requestId)
        case .service(let service):
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
