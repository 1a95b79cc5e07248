import EddyWire

/// A bucket's CORS rules as S3 applies them: the first rule whose origin, method and (for a
/// preflight) every requested header match decides the `Access-Control-*` answer.
struct CORSRules {
    static let methods: Set<String> = ["GET", "PUT", "POST", "DELETE", "HEAD"]

    let rules: [S3API.CORSRule]

    /// The bucket's rules, if it has a CORS configuration.
    init?(_ c: S3Context, bucket: String) throws(S3Error) {
        guard let stored = try c.catalog({ try c.store.setting(bucket, "cors") }),
              let element = try? XMLElement.parse(stored),
              let configuration = try? S3API.CORSConfiguration.decode(xml: element, named: "CORSConfiguration") else { return nil }
        rules = configuration.corsRules
    }

    /// S3's checks of a configuration being put.
    static func check(_ configuration: S3API.CORSConfiguration) throws(S3Error) {
        guard configuration.corsRules.count <= 100 else {
            throw S3Error("InvalidRequest", "The number of CORS rules should not exceed allowed limit of 100 rules.")
        }
        for rule in configuration.corsRules {
            for method in rule.allowedMethods where !methods.contains(method) {
                throw S3Error("InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is \(method)")
            }
            for origin in rule.allowedOrigins where origin.filter({ $0 == "*" }).count > 1 {
                throw S3Error("InvalidRequest", "AllowedOrigin \"\(origin)\" can not have more than one wildcard.")
            }
            for header in rule.allowedHeaders ?? [] where header.filter({ $0 == "*" }).count > 1 {
                throw S3Error("InvalidRequest", "AllowedHeader \"\(header)\" can not have more than one wildcard.")
            }
        }
    }

    /// `pattern` with at most one `*` standing for any run of characters.
    static func matches(_ pattern: String, _ value: String, caseSensitive: Bool) -> Bool {
        let p = caseSensitive ? pattern : pattern.lowercased(), v = caseSensitive ? value : value.lowercased()
        guard let star = p.firstIndex(of: "*") else { return p == v }
        let prefix = p[..<star], suffix = p[p.index(after: star)...]
        return v.utf8.count >= prefix.utf8.count + suffix.utf8.count && v.hasPrefix(prefix) && v.hasSuffix(suffix)
    }

    func match(origin: String, method: String, headers: [String]) -> S3API.CORSRule? {
        rules.first { rule in
            rule.allowedOrigins.contains { Self.matches($0, origin, caseSensitive: true) }
                && rule.allowedMethods.contains(method)
                && headers.allSatisfy { header in (rule.allowedHeaders ?? []).contains { Self.matches($0, header, caseSensitive: false) } }
        }
    }

    /// The headers an answer to `origin` carries under `rule`.
    static func headers(_ rule: S3API.CORSRule, origin: String, preflight: (method: String, headers: [String])?) -> [(String, String)] {
        var out: [(String, String)] = [("Access-Control-Allow-Origin", rule.allowedOrigins.contains("*") ? "*" : origin)]
        out.append(("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")))
        if let preflight, !preflight.headers.isEmpty {
            out.append(("Access-Control-Allow-Headers", preflight.headers.joined(separator: ", ")))
        }
        if let expose = rule.exposeHeaders, !expose.isEmpty { out.append(("Access-Control-Expose-Headers", expose.joined(separator: ", "))) }
        if let age = rule.maxAgeSeconds { out.append(("Access-Control-Max-Age", String(age))) }
        if !rule.allowedOrigins.contains("*") { out.append(("Access-Control-Allow-Credentials", "true")) }
        out.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
        return out
    }
}
