/// Pages and read APIs of Eddy's own under `/_eddy/` that take the whole request (the web
/// console): the front hands them what they say they handle, after its admin endpoints.
public protocol LocalSite: Sendable {
    func handles(method: String, path: String) -> Bool
    func handle(_ request: ServiceRequest) async -> ServiceResponse
}
