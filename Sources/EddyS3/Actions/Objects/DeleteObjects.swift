import EddyWire

/// DeleteObjects: up to 1,000 keys in one request, each answered Deleted or Error.
enum DeleteObjects {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let root = try c.parseXML()
        guard root.localName == "Delete" else { throw S3Error.malformedXML }
        let quiet = root.value("Quiet") == "true"
        let keys = root.children("Object").compactMap { $0.value("Key") }
        guard keys.count <= 1000 else { throw S3Error.malformedXML }
        var errors: [(String, S3Error)] = []
        var deleted: [String] = []
        for key in keys {
            do {
                try c.store.delete(bucket.name, key)
                deleted.append(key)
            } catch {
                errors.append((key, S3Error.internalError("\(error)")))
            }
        }
        return c.xml { w in
            w.open("DeleteResult", namespace: s3Namespace)
            if !quiet { for key in deleted { w.element("Deleted") { w in w.element("Key", key) } } }
            for (key, e) in errors {
                w.element("Error") { w in w.element("Key", key); w.element("Code", e.code); w.element("Message", message: e.message) }
            }
            w.close("DeleteResult")
        }
    }
}
