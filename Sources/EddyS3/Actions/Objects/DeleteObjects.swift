import EddyWire

/// DeleteObjects: up to 1,000 keys (or versions of keys) in one request, each answered Deleted
/// or Error, each deleted as DeleteObject deletes it.
enum DeleteObjects {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let root = try c.parseXML()
        guard root.localName == "Delete" else { throw S3Error.malformedXML }
        let quiet = root.value("Quiet") == "true"
        let objects = root.children("Object")
        guard objects.count <= 1000 else { throw S3Error.malformedXML }
        var requested: [(key: String, versionId: String?)] = []
        for object in objects {
            guard let key = object.value("Key") else { throw S3Error.malformedXML }
            requested.append((key, object.value("VersionId")))
        }
        var errors: [(String, String?, S3Error)] = []
        var deleted: [(key: String, versionId: String?, ObjectStore.Deletion?)] = []
        for (key, versionId) in requested {
            do throws(S3Error) {
                if let versionId { try Versions.check(versionId) }
                let deletion = try c.catalog {
                    try c.store.delete(bucket.name, key, versionId: versionId, versioning: bucket.versioning, now: c.now)
                }
                deleted.append((key, versionId, deletion))
            } catch {
                errors.append((key, versionId, error))
            }
        }
        return c.xml { w in
            w.open("DeleteResult", namespace: s3Namespace)
            if !quiet {
                for (key, versionId, deletion) in deleted {
                    w.element("Deleted") { w in
                        w.element("Key", key)
                        w.optional("VersionId", versionId)
                        if deletion?.isDeleteMarker == true {
                            w.element("DeleteMarker", true)
                            // A marker made by this delete, or the marker it removed.
                            w.optional("DeleteMarkerVersionId", deletion?.versionId)
                        }
                    }
                }
            }
            for (key, versionId, e) in errors {
                w.element("Error") { w in
                    w.element("Key", key)
                    w.optional("VersionId", versionId)
                    w.element("Code", e.code)
                    w.element("Message", message: e.message)
                }
            }
            w.close("DeleteResult")
        }
    }
}
