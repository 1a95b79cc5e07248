import EddyWire

/// Put, Get, Delete and List of the configurations a bucket keeps by id (analytics, metrics,
/// inventory, intelligent tiering).
enum IdentifiedConfigurations {
    static func perform(_ c: S3Context, _ configuration: IdentifiedConfiguration) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let kind = configuration.subresource
        guard let id = c.query["id"] else {
            guard c.request.method == "GET" else {
                throw S3Error.invalidArgument("Missing required parameter: id", name: "id")
            }
            return try list(c, configuration, bucket)
        }
        try IdentifiedConfiguration.check(id)
        switch c.request.method {
        case "PUT":
            let (given, document) = try configuration.read(try c.parseXML())
            guard given == id else {
                throw S3Error.invalidArgument("The configuration id in the request does not match the id in the configuration",
                                              name: "id", value: id)
            }
            let existing = try c.catalog { try c.store.settings(bucket.name, kind) }
            if existing.count >= IdentifiedConfiguration.maxPerBucket, !existing.contains(where: { $0.id == id }) {
                throw S3Error("TooManyConfigurations", "You are attempting to create a new configuration but have already reached the \(IdentifiedConfiguration.maxPerBucket)-configuration limit.")
            }
            try c.catalog { try c.store.setSetting(bucket.name, kind, id: id, document) }
            return c.empty()
        case "GET":
            guard let stored = try c.catalog({ try c.store.setting(bucket.name, kind, id: id) }) else { throw noSuchConfiguration }
            return c.document(stored)
        case "DELETE":
            guard try c.catalog({ try c.store.setSetting(bucket.name, kind, id: id, nil) }) else { throw noSuchConfiguration }
            return c.empty(204)
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
    }

    static let noSuchConfiguration = S3Error("NoSuchConfiguration", "The specified configuration does not exist.", status: 404)

    /// A page of 100, in id order; the continuation token is the last id of the page.
    static func list(_ c: S3Context, _ configuration: IdentifiedConfiguration, _ bucket: ObjectStore.Bucket) throws(S3Error) -> ServiceResponse {
        let token = c.query["continuation-token"]
        var after: String?
        if let token {
            guard let bytes = try? Base64.decode(token), let id = String(validating: bytes, as: UTF8.self) else {
                throw S3Error.invalidArgument("The continuation token provided is incorrect", name: "continuation-token", value: token)
            }
            after = id
        }
        let all = try c.catalog { try c.store.settings(bucket.name, configuration.subresource) }.filter { after == nil || $0.id > after ?? "" }
        let page = all.prefix(IdentifiedConfiguration.pageSize)
        let truncated = all.count > page.count
        return c.xml { w in
            w.open(configuration.listRoot, namespace: s3Namespace)
            w.element("IsTruncated", truncated)
            w.optional("ContinuationToken", token)
            if truncated, let last = page.last { w.element("NextContinuationToken", Base64.encode(Array(last.id.utf8))) }
            for entry in page {
                // The stored document, without its XML declaration and namespace.
                if let element = try? XMLElement.parse(entry.document) { w.raw(element: element) }
            }
            w.close(configuration.listRoot)
        }
    }
}
