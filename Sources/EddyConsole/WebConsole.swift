import EddyWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The web console at `/_eddy/`: one page (HTML, script and style embedded in the binary, no
/// build step) and the JSON read APIs under `/_eddy/api/` it draws from, which scripts may use
/// too. It answers only for the hosts Eddy is reached by on this machine (a page elsewhere
/// cannot point a browser at it through DNS rebinding), sends a strict Content-Security-Policy,
/// and, while signatures are verified, wants one of the access keys (HTTP Basic: the key id and
/// its secret) and shows that key's account.
public struct WebConsole: LocalSite {
    public struct Facts: Sendable {
        public var version: String
        public var dataDirectory: String
        public var startedMillis: Int64
        public var defaultRegion: String
        public var defaultAccountId: String
        /// Bytes the data directory holds (walked when the overview is asked for).
        public var diskUsage: @Sendable () -> Int64

        public init(version: String, dataDirectory: String, startedMillis: Int64, defaultRegion: String, defaultAccountId: String,
                    diskUsage: @escaping @Sendable () -> Int64) {
            self.version = version
            self.dataDirectory = dataDirectory
            self.startedMillis = startedMillis
            self.defaultRegion = defaultRegion
            self.defaultAccountId = defaultAccountId
            self.diskUsage = diskUsage
        }
    }

    let services: [any AWSService]
    let facts: Facts
    let hosts: Set<String>
    let credentials: Credentials?
    let tails: TailLimit

    /// `hosts`: the names the server is reached by (its --host, and the loopback names).
    public init(services: [any AWSService], facts: Facts, hosts: [String], credentials: Credentials?) {
        self.services = services
        self.facts = facts
        self.hosts = Set(hosts.map { $0.lowercased() } + ["127.0.0.1", "localhost", "[::1]", "::1"])
        self.credentials = credentials
        self.tails = TailLimit(maximum: 16)
    }

    static let prefix = "/_eddy/"

    public func handles(method: String, path: String) -> Bool {
        guard path == "/_eddy" || path.hasPrefix(Self.prefix) else { return false }
        return method == "GET" || method == "HEAD" || (method == "POST" && path.hasPrefix("/_eddy/api/"))
    }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        guard isAllowedHost(request.headers["Host"]) else {
            return Self.text(421, "This Eddy console answers on the host Eddy listens on, not \(request.headers["Host"] ?? "no host").")
        }
        // A page elsewhere may post a form here (its Host is ours): posts must be JSON, which a
        // cross-site form cannot send without a preflight Eddy never grants, and same-origin.
        if request.method == "POST" {
            let type = (request.headers["Content-Type"] ?? "").lowercased()
            let host = request.headers["Host"] ?? ""
            if !type.hasPrefix("application/json") || request.headers["Origin"].map({ $0 != "http://" + host && $0 != "https://" + host }) == true {
                return Self.text(403, "The console takes JSON posts from its own page only.")
            }
        }
        var account = facts.defaultAccountId
        if let credentials {
            guard let key = Self.basicKey(request.headers["Authorization"], credentials) else {
                var r = Self.text(401, "The console needs one of Eddy's access keys: the key id as user name, its secret as password.")
                r.headers.add("WWW-Authenticate", "Basic realm=\"Eddy console\", charset=\"UTF-8\"")
                return r
            }
            account = key.accountId
        }
        let query = QueryItems(request.query)
        let region = query["region"].flatMap { Self.isRegion($0) ? $0 : nil } ?? facts.defaultRegion
        if credentials == nil, let a = query["account"], a.utf8.count == 12, a.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { account = a }
        let calls = ServiceCalls(services: services, region: region, accountId: account)
        var response: ServiceResponse
        switch request.path {
        case "/_eddy", "/_eddy/", "/_eddy/index.html": response = Self.asset(ConsolePage.html, "text/html; charset=utf-8")
        case "/_eddy/console.js": response = Self.asset(ConsoleScript.text, "text/javascript; charset=utf-8")
        case "/_eddy/console.css": response = Self.asset(ConsoleStyle.text, "text/css; charset=utf-8")
        // (A `where` binds to the one pattern before it, so each pattern has its own.)
        case "/_eddy/api/live" where request.method == "HEAD", "/_eddy/api/kinesis/tail" where request.method == "HEAD":
            // Only the head of an event stream: asking for it takes no slot and reads nothing.
            response = ServiceResponse(status: 200, headers: ConsoleAPI.eventStreamHeaders)
        default:
            let api = ConsoleAPI(calls: calls, facts: facts, query: query, body: request.body, tails: tails)
            response = await api.answer(method: request.method == "HEAD" ? "GET" : request.method, path: request.path)
        }
        Self.secure(&response.headers)
        if request.method == "HEAD" {
            response.declaredLength = response.file?.length ?? response.body.count
            response.body = []
            if let file = response.file {
                close(file.descriptor)
                response.file = nil
            }
        }
        return response
    }

    func isAllowedHost(_ header: String?) -> Bool {
        guard let header else { return false }
        var host = Substring(header.lowercased())
        if host.hasPrefix("[") {
            if let end = host.firstIndex(of: "]") { host = host[...end] }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return hosts.contains(String(host))
    }

    static func isRegion(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 32 && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// `Authorization: Basic base64(id:secret)` naming a known key.
    static func basicKey(_ header: String?, _ credentials: Credentials) -> Credentials.Key? {
        guard let header, header.hasPrefix("Basic "), let decoded = try? Base64.decode(String(header.dropFirst(6))),
              let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":") else { return nil }
        guard let key = credentials.key(String(text[..<colon])) else { return nil }
        let secret = Array(text[text.index(after: colon)...].utf8)
        // Compared in constant time, as a signature is.
        let expected = Array(key.secret.utf8)
        guard secret.count == expected.count else { return nil }
        var difference: UInt8 = 0
        for (a, b) in zip(secret, expected) { difference |= a ^ b }
        return difference == 0 ? key : nil
    }

    /// The page runs only its own script and style, loads nothing from elsewhere and cannot
    /// be framed.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self' '\(ConsolePage.loaderHash)'; style-src 'self' '\(ConsolePage.styleHash)'; img-src 'self' data: blob:; "
        + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func secure(_ headers: inout Headers) {
        headers.add("Content-Security-Policy", contentSecurityPolicy)
        headers.add("X-Content-Type-Options", "nosniff")
        headers.add("X-Frame-Options", "DENY")
        headers.add("Referrer-Policy", "no-referrer")
    }

    static func asset(_ text: String, _ type: String) -> ServiceResponse {
        var headers = Headers()
        headers.add("Content-Type", type)
        headers.add("Cache-Control", "no-cache")
        return ServiceResponse(status: 200, headers: headers, body: Array(text.utf8))
    }

    static func text(_ status: Int, _ message: String) -> ServiceResponse {
        var headers = Headers()
        headers.add("Content-Type", "text/plain; charset=utf-8")
        return ServiceResponse(status: status, headers: headers, body: Array((message + "\n").utf8))
    }

    /// The total size of what a browser loads: the page (its style inline) and its script.
    public static var assetBytes: Int { ConsolePage.html.utf8.count + ConsoleScript.text.utf8.count }
}

/// A URL query's parameters, percent-decoded; the first of a name wins.
struct QueryItems: Sendable {
    var items: [(String, String)] = []

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") where items.count < 64 {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.map({ Self.decode($0) }) else { continue }
            items.append((name, parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    subscript(_ name: String) -> String? { items.first { $0.0 == name }?.1 }

    static func decode(_ s: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "+") { out.append(0x20); continue }
            if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
                continue
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes for a URL path segment or query value.
    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
