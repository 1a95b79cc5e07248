import EddyWire

/// S3 Object Lock: a bucket's lock configuration (and default retention), and each version's
/// retention and legal hold, kept as the headers its answers carry and enforced: a locked
/// version cannot be deleted (GOVERNANCE only with `x-amz-bypass-governance-retention`), and
/// COMPLIANCE retention cannot be shortened.
enum ObjectLock {
    static let modeHeader = "x-amz-object-lock-mode"
    static let untilHeader = "x-amz-object-lock-retain-until-date"
    static let holdHeader = "x-amz-object-lock-legal-hold"

    static func configuration(_ c: S3Context, _ bucket: ObjectStore.Bucket) throws(S3Error) -> S3API.ObjectLockConfiguration? {
        guard let stored = try c.catalog({ try c.store.setting(bucket.name, "objectLock") }),
              let element = try? XMLElement.parse(stored) else { return nil }
        return try? S3API.ObjectLockConfiguration.decode(xml: element, named: "ObjectLockConfiguration")
    }

    static func document(_ configuration: S3API.ObjectLockConfiguration) -> [UInt8] {
        configuration.xmlDocument(root: "ObjectLockConfiguration", namespace: s3Namespace)
    }

    /// The checks of PutObjectLockConfiguration.
    static func check(_ configuration: S3API.ObjectLockConfiguration) throws(S3Error) {
        guard configuration.objectLockEnabled == .Enabled else { throw S3Error.malformedXML }
        if let retention = configuration.rule?.defaultRetention {
            guard retention.defaultEventHold == nil else { throw eventHoldUnsupported }
            guard retention.mode != nil, (retention.days == nil) != (retention.years == nil) else { throw S3Error.malformedXML }
            if (retention.days ?? 0) > 36_500 || (retention.years ?? 0) > 100 {
                throw S3Error.invalidArgument("Default retention period is too large.", name: retention.days != nil ? "Days" : "Years")
            }
            if let days = retention.days, days <= 0 {
                throw S3Error.invalidArgument("Default retention period must be a positive integer value", name: "Days", value: String(days))
            }
            if let years = retention.years, years <= 0 {
                throw S3Error.invalidArgument("Default retention period must be a positive integer value", name: "Years", value: String(years))
            }
        }
    }

    static let eventHoldUnsupported = S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: Eddy does not implement Object Lock event holds.", status: 501)

    static let missingConfiguration = S3Error("InvalidRequest", "Bucket is missing Object Lock Configuration")

    /// The lock headers a new version starts with: the request's, else the bucket's default
    /// retention. A bucket without Object Lock refuses lock headers.
    static func forWrite(_ c: S3Context, _ bucket: ObjectStore.Bucket) throws(S3Error) -> [(String, String)] {
        let asked = [modeHeader, untilHeader, holdHeader].filter { c.headers[$0] != nil }
        guard let configuration = try configuration(c, bucket) else {
            if !asked.isEmpty { throw missingConfiguration }
            return []
        }
        var out: [(String, String)] = []
        if let mode = c.headers[modeHeader] {
            guard S3API.ObjectLockRetentionMode(rawValue: mode) != nil else {
                throw S3Error.invalidArgument("Unknown wormMode directive.", name: modeHeader, value: mode)
            }
            guard let until = c.headers[untilHeader], let millis = AWSDate.parseISO8601Millis(until) else {
                throw S3Error.invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
                                              name: untilHeader)
            }
            guard millis > c.now else {
                throw S3Error.invalidArgument("The retain until date must be in the future!", name: untilHeader, value: until)
            }
            out += [(modeHeader, mode), (untilHeader, AWSDate.iso8601(millis))]
        } else if c.headers[untilHeader] != nil {
            throw S3Error.invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", name: modeHeader)
        } else if let retention = configuration.rule?.defaultRetention, let mode = retention.mode {
            let days = Int64(retention.days ?? 0) + Int64(retention.years ?? 0) * 365
            out += [(modeHeader, mode.rawValue), (untilHeader, AWSDate.iso8601(c.now &+ days &* 86_400_000))]
        }
        if let hold = c.headers[holdHeader] {
            guard S3API.ObjectLockLegalHoldStatus(rawValue: hold) != nil else {
                throw S3Error.invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", name: holdHeader, value: hold)
            }
            out.append((holdHeader, hold))
        }
        return out
    }

    /// What keeps a version from being deleted, if anything.
    static func protection(_ o: ObjectStore.Object, now: Int64) -> (mode: String, until: Int64)? {
        let header = { (name: String) in o.headers.first { $0.0 == name }?.1 }
        if header(holdHeader) == "ON" { return ("LEGAL_HOLD", Int64.max) }
        guard let mode = header(modeHeader), let until = header(untilHeader).flatMap(AWSDate.parseISO8601Millis), until > now else { return nil }
        return (mode, until)
    }

    /// A delete of this version is refused while it is locked, unless governance mode is
    /// bypassed on purpose.
    static func checkDelete(_ c: S3Context, _ o: ObjectStore.Object) throws(S3Error) {
        guard let lock = protection(o, now: c.now) else { return }
        let bypass = c.headers["x-amz-bypass-governance-retention"]?.lowercased() == "true"
        if lock.mode == "GOVERNANCE" && bypass { return }
        throw S3Error("AccessDenied", "Access Denied because object protected by object lock.", status: 403)
    }
}
