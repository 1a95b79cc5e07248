import EddyWire

/// Put, Get and Delete of the bucket configurations S3 keeps as documents (public access
/// block, ownership controls, encryption, logging, request payment, accelerate, website,
/// replication, notifications): one handler, the rules of each in `BucketConfiguration`.
enum BucketConfigurations {
    static func perform(_ c: S3Context, _ configuration: BucketConfiguration) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        switch c.request.method {
        case "PUT":
            let document = try configuration.read(c, bucket, try c.parseXML())
            try c.catalog { try c.store.setSetting(bucket.name, configuration.subresource, document) }
            var response = c.empty()
            for (name, value) in configuration.answerHeaders { response.headers.add(name, value) }
            return response
        case "GET":
            if let stored = try c.catalog({ try c.store.setting(bucket.name, configuration.subresource) }) {
                var response = c.document(stored)
                for (name, value) in configuration.answerHeaders { response.headers.add(name, value) }
                return response
            }
            switch configuration.absent {
            case .empty:
                return c.xml { w in
                    w.open(configuration.root, namespace: s3Namespace)
                    w.close(configuration.root)
                }
            case .document(let bytes):
                return c.document(bytes)
            case .error(let code, let message):
                throw S3Error(code, message, status: 404, [("BucketName", bucket.name)])
            }
        case "DELETE" where configuration.deletable:
            try c.catalog { try c.store.setSetting(bucket.name, configuration.subresource, configuration.afterDelete) }
            return c.empty(204)
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
    }
}
