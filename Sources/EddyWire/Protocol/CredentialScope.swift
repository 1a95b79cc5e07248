/// The parts of a SigV4 credential (`AKID/20261123/us-east-1/kinesis/aws4_request`) that say
/// who is calling, which region and which service. Signatures are not verified: any
/// credentials are accepted, as a local emulator should.
public struct CredentialScope: Sendable, Equatable {
    public var accessKeyId: String
    public var date: String
    public var region: String
    public var service: String

    public init(accessKeyId: String, date: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.date = date
        self.region = region
        self.service = service
    }

    /// From an `Authorization: AWS4-HMAC-SHA256 Credential=...` header.
    public init?(authorization: String) {
        let marker = Array("Credential=".utf8)
        let bytes = Array(authorization.utf8)
        guard bytes.count >= marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let rest = bytes[(start + marker.count)...].prefix { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: " ") }
        let credential = Substring(decoding: rest, as: UTF8.self)
        self.init(credential: credential)
    }

    /// From the `X-Amz-Credential` value of a presigned URL or the header form.
    public init?(credential: Substring) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, !parts[0].isEmpty else { return nil }
        // An access key id never contains '/', so the last four parts are the scope.
        let n = parts.count
        self.init(accessKeyId: parts[0..<(n - 4)].joined(separator: "/"), date: String(parts[n - 4]),
                  region: String(parts[n - 3]), service: String(parts[n - 2]))
    }

    /// The account a request acts in: a 12-digit access key id names it, as LocalStack does.
    public func accountId(default defaultAccount: String) -> String {
        let key = accessKeyId.utf8
        if key.count == 12, key.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return accessKeyId }
        return defaultAccount
    }
}
