import EddyWire

/// PutObjectLockConfiguration and GetObjectLockConfiguration (`?object-lock` on a bucket).
enum BucketObjectLock {
    static func perform(_ c: S3Context) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        switch c.request.method {
        case "GET":
            guard let stored = try c.catalog({ try c.store.setting(bucket.name, "objectLock") }) else {
                throw S3Error("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", status: 404,
                              [("BucketName", bucket.name)])
            }
            return c.document(stored)
        case "PUT":
            let configuration: S3API.ObjectLockConfiguration
            do {
                configuration = try S3API.ObjectLockConfiguration.decode(xml: try c.parseXML(), named: "ObjectLockConfiguration")
            } catch {
                throw S3Error.malformedXML
            }
            try ObjectLock.check(configuration)
            // Object Lock can be turned on for an existing bucket once its versioning is enabled.
            guard bucket.versioning == .enabled else {
                throw S3Error("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", status: 409)
            }
            try c.catalog { try c.store.setSetting(bucket.name, "objectLock", ObjectLock.document(configuration)) }
            return c.empty()
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
    }
}

/// Get/PutObjectRetention (`?retention`) and Get/PutObjectLegalHold (`?legal-hold`) of a version.
enum ObjectLockSettings {
    static func perform(_ c: S3Context, key: String, legalHold: Bool) throws(S3Error) -> ServiceResponse {
        let bucket = try c.bucket()
        guard try ObjectLock.configuration(c, bucket) != nil else { throw ObjectLock.missingConfiguration }
        let object = try Versions.find(c, bucket: bucket.name, key: key, versionId: try Versions.requested(c))
        let header = { (name: String) in object.headers.first { $0.0 == name }?.1 }
        var response: ServiceResponse
        switch (c.request.method, legalHold) {
        case ("GET", true):
            guard let status = header(ObjectLock.holdHeader).flatMap(S3API.ObjectLockLegalHoldStatus.init(rawValue:)) else {
                throw S3Error("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", status: 404)
            }
            response = c.document(S3API.ObjectLockLegalHold(status: status).xmlDocument(root: "LegalHold", namespace: s3Namespace))
        case ("GET", false):
            guard let mode = header(ObjectLock.modeHeader).flatMap(S3API.ObjectLockRetentionMode.init(rawValue:)),
                  let until = header(ObjectLock.untilHeader).flatMap(AWSDate.parseISO8601Millis) else {
                throw S3Error("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", status: 404)
            }
            response = c.document(S3API.ObjectLockRetention(mode: mode, retainUntilDate: Timestamp(millis: until))
                .xmlDocument(root: "Retention", namespace: s3Namespace))
        case ("PUT", true):
            let hold: S3API.ObjectLockLegalHold
            do { hold = try S3API.ObjectLockLegalHold.decode(xml: try c.parseXML(), named: "LegalHold") } catch { throw S3Error.malformedXML }
            guard let status = hold.status else { throw S3Error.malformedXML }
            var headers = object.headers.filter { $0.0 != ObjectLock.holdHeader }
            headers.append((ObjectLock.holdHeader, status.rawValue))
            try c.catalog { try c.store.setHeaders(object, headers) }
            response = c.empty()
        case ("PUT", false):
            let retention: S3API.ObjectLockRetention
            do { retention = try S3API.ObjectLockRetention.decode(xml: try c.parseXML(), named: "Retention") } catch { throw S3Error.malformedXML }
            guard retention.eventHold == nil, retention.eventHoldDuration == nil else { throw ObjectLock.eventHoldUnsupported }
            guard let mode = retention.mode, let until = retention.retainUntilDate else { throw S3Error.malformedXML }
            guard until.millis > c.now else {
                throw S3Error.invalidArgument("The retain until date must be in the future!", name: "RetainUntilDate")
            }
            // Retention can always be lengthened; shortening it, or leaving COMPLIANCE, is what the lock forbids.
            if let current = ObjectLock.protection(object, now: c.now), current.mode != "LEGAL_HOLD",
               until.millis < current.until || mode.rawValue != current.mode {
                let bypass = c.headers["x-amz-bypass-governance-retention"]?.lowercased() == "true"
                guard current.mode == "GOVERNANCE" && bypass else { throw S3Error("AccessDenied", "Access Denied", status: 403) }
            }
            var headers = object.headers.filter { $0.0 != ObjectLock.modeHeader && $0.0 != ObjectLock.untilHeader }
            headers += [(ObjectLock.modeHeader, mode.rawValue), (ObjectLock.untilHeader, AWSDate.iso8601(until.millis))]
            try c.catalog { try c.store.setHeaders(object, headers) }
            response = c.empty()
        default:
            throw S3Router.methodNotAllowed(c.request.method)
        }
        Versions.header(object, bucket, into: &response.headers)
        return response
    }
}
