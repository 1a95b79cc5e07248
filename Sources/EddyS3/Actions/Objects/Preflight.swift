import EddyWire

/// A browser's CORS preflight (`OPTIONS` on a bucket or an object, unsigned): answered from
/// the bucket's CORS rules, or refused as S3 refuses it.
enum Preflight {
    static func perform(_ c: S3Context, bucket name: String) throws(S3Error) -> ServiceResponse {
        guard let origin = c.headers["Origin"] else {
            throw S3Error("BadRequest", "Insufficient information. Origin request header needed.")
        }
        guard let method = c.headers["Access-Control-Request-Method"] else {
            throw S3Error("BadRequest", "Invalid Access-Control-Request-Method: null")
        }
        // The preflight carries no credentials: the bucket is found by its name alone.
        guard try c.catalog({ try c.store.bucket(name) }) != nil else { throw S3Error.noSuchBucket(name) }
        guard let rules = try CORSRules(c, bucket: name) else {
            throw S3Error("CORSResponse", "CORS is not enabled for this bucket.", status: 403)
        }
        let requested = (c.headers["Access-Control-Request-Headers"] ?? "").split(separator: ",")
            .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard let rule = rules.match(origin: origin, method: method, headers: requested) else {
            throw S3Error("AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
                          status: 403, [("Method", method), ("ResourceType", c.address.key == nil ? "BUCKET" : "OBJECT")])
        }
        var response = c.empty()
        for (header, value) in CORSRules.headers(rule, origin: origin, preflight: (method, requested)) { response.headers.add(header, value) }
        return response
    }
}
