/// What a service knows that AWS offers no operation for, read by Eddy's console and its
/// `/_eddy/api/` read APIs: a delivery stream's current buffer, the readers polling a stream.
/// Read-only, and in the service's own words (a JSON document), so the console shows it
/// without importing the service.
public protocol ServiceInsight: Sendable {
    /// The document on `topic` about the resource named `subject` in one account and region; nil
    /// when the service has no such topic or no such resource.
    func insight(_ topic: String, subject: String, region: String, accountId: String) -> [UInt8]?
}
