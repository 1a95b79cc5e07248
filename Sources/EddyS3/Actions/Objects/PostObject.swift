import EddyWire

/// PostObject: a browser-based upload (`POST /bucket`, multipart/form-data) with its policy's
/// conditions met and, while signatures are verified, its policy signed; answered as
/// `success_action_redirect` / `success_action_status` ask.
enum PostObject {
    static func perform(_ c: S3Context, bucket name: String, boundary: String) throws(S3Error) -> ServiceResponse {
        let form = try MultipartForm.parse(c.request.body, boundary: boundary)
        var account = c.account
        if let credentials = c.service.verifyingCredentials { account = try PostPolicy.verify(form, credentials: credentials) }
        guard let bucket = try c.catalog({ try c.store.bucket(name) }) else { throw S3Error.noSuchBucket(name) }
        guard bucket.account == account else { throw S3Error("AccessDenied", "Access Denied", status: 403) }
        guard let file = form.file else {
            throw S3Error.invalidArgument("POST requires exactly one file upload per request.", name: "file", value: "0")
        }
        guard var key = form.field("key") else {
            throw S3Error.invalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
                                          name: "key")
        }
        if let r = key.firstRange(of: "${filename}") { key.replaceSubrange(r, with: file.filename) }
        try ObjectKey.check(key)
        if let policy = form.field("policy") {
            try PostPolicy(base64: policy).check(form.fields, bucket: bucket.name, fileSize: file.body.count, now: c.now)
        }
        // The form's fields are the upload's headers.
        var headers = Headers()
        for (field, value) in form.fields { headers.add(field.lowercased() == "acl" ? "x-amz-acl" : field, value) }
        if headers["Content-Type"] == nil, let type = file.contentType { headers.add("Content-Type", type) }
        let upload = S3Context(service: c.service, request: ServiceRequest(head: RequestHead(
            method: "PUT", path: c.request.path, query: nil, headers: headers, context: c.request.context), body: Array(file.body)),
            address: S3Address(path: "/\(bucket.name)/\(key)", query: nil, host: nil), now: c.now)
        let tags = try form.field("tagging").map { (xml) throws(S3Error) in try TagSet.parse(Array(xml.utf8)) } ?? []
        let (stored, _) = try PutObject.store(upload, bucket: bucket, key: key, tags: tags)
        let status = form.field("success_action_status").flatMap { ["200": 200, "201": 201, "204": 204][$0] } ?? 204
        var response: ServiceResponse
        if let redirect = form.field("success_action_redirect") ?? form.field("redirect"), !redirect.isEmpty {
            response = c.empty(303)
            let separator = redirect.contains("?") ? "&" : "?"
            response.headers.add("Location", redirect + separator + "bucket=\(URLCoding.encode(bucket.name))&key=\(URLCoding.encode(key))&etag=\(URLCoding.encode(stored.etag))")
        } else if status == 201 {
            let location = "/\(bucket.name)/\(URLCoding.encode(key))"
            response = c.xml(201) { w in
                w.open("PostResponse", namespace: s3Namespace)
                w.element("Location", location)
                w.element("Bucket", bucket.name)
                w.element("Key", key)
                w.element("ETag", stored.etag)
                w.close("PostResponse")
            }
            response.headers.add("Location", location)
        } else {
            response = c.empty(status)
        }
        response.headers.add("ETag", stored.etag)
        if stored.versionId != "null" { response.headers.add("x-amz-version-id", stored.versionId) }
        Encryption.answer(stored.headers, into: &response.headers)
        return response
    }
}
