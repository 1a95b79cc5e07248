import EddyWire

/// RestoreObject (`POST ?restore`): a temporary readable copy of an archived version for the
/// days asked for; 202 when the restore starts, 409 while it runs, 200 once it is done (the
/// copy's days renewed).
enum RestoreObject {
    static func perform(_ c: S3Context, key: String) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        let object = try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c))
        let request: S3API.RestoreRequest
        do {
            request = c.request.body.isEmpty ? S3API.RestoreRequest()
                : try S3API.RestoreRequest.decode(xml: try c.parseXML(), named: "RestoreRequest")
        } catch {
            throw S3Error.malformedXML
        }
        guard request.type == nil, request.selectParameters == nil, request.outputLocation == nil else {
            throw S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: Eddy does not implement S3 Select restores.", status: 501)
        }
        guard let days = request.days, (1...2_147_483_647).contains(days) else {
            throw S3Error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
        }
        let state = Archive.state(object, now: c.now, restoreMillis: c.service.restoreMillis, dayMillis: c.service.lifecycleDayMillis)
        var status = 202
        var requested = c.now
        switch state {
        case .notArchived:
            throw S3Error("InvalidObjectState", "Restore is not allowed for the object's current storage class", status: 403,
                          [("StorageClass", Lifecycle.storageClass(object))])
        case .restoring:
            throw S3Error("RestoreAlreadyInProgress", "Object restore is already in progress", status: 409)
        case .restored:
            // The copy is there: its days count again from now.
            status = 200
            requested = c.now - c.service.restoreMillis
        case .archived:
            break
        }
        var headers = object.headers.filter { $0.0 != Archive.requestedHeader && $0.0 != Archive.daysHeader }
        headers += [(Archive.requestedHeader, String(requested)), (Archive.daysHeader, String(days))]
        try c.catalog { try c.store.setHeaders(object, headers) }
        var response = c.empty(status)
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
