import EddyWire

/// DeleteObjects: up to 1,000 keys (or versions of keys) in one request, each answered Deleted
/// or Error, each deleted as DeleteObject deletes it.
enum DeleteObjects {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let document: S3API.Delete
        do { document = try S3API.Delete.decode(xml: try c.parseXML(), named: "Delete") } catch { throw S3Error.malformedXML }
        let quiet = document.quiet == true
        guard document.objects.count <= 1000 else { throw S3Error.malformedXML }
        let requested = document.objects.map { (key: $0.key, versionId: $0.versionId) }
        var errors: [(String, String?, S3Error)] = []
        var deleted: [(key: String, versionId: String?, ObjectStore.Deletion?)] = []
        for (key, versionId) in requested {
            do throws(S3Error) {
                if let versionId {
                    try Versions.check(versionId)
                    if let version = try c.catalog({ try c.store.version(bucket.name, key, versionId) }) { try ObjectLock.checkDelete(c, version) }
                }
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
