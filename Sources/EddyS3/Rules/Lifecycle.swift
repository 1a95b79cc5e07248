import EddyWire

/// Lifecycle rules as S3 applies them, decided without I/O: given one key's versions (newest
/// first) and the time, the actions that are due. S3 runs its lifecycle once a day and times
/// "N days" from an object's creation (or, for a noncurrent version, from when it was
/// replaced), rounded up to the next midnight UTC; Eddy's day length is configurable so a test
/// can watch rules act.
struct Lifecycle {
    enum Action: Equatable {
        /// Expire the current version: remove it, or add a delete marker in a versioned bucket.
        case expireCurrent
        case deleteVersion(String)
        case transition(versionId: String, storageClass: String)
    }

    let rules: [S3API.LifecycleRule]
    let dayMillis: Int64

    /// When `days` after `start` falls, rounded up to the next day boundary (midnight UTC for
    /// 24-hour days).
    func due(_ start: Int64, days: Int) -> Int64 {
        let at = start + Int64(days) * dayMillis
        let (q, r) = at.quotientAndRemainder(dividingBy: dayMillis)
        return (r == 0 ? q : q + 1) * dayMillis
    }

    static func applies(_ rule: S3API.LifecycleRule, _ o: ObjectStore.Object) -> Bool {
        guard rule.status == .Enabled else { return false }
        if let prefix = rule.prefix, !o.key.hasPrefix(prefix) { return false }
        guard let filter = rule.filter else { return true }
        func tagged(_ tag: S3API.Tag) -> Bool { o.tags.contains { $0.0 == tag.key && $0.1 == tag.value } }
        func sized(_ greater: Int64?, _ less: Int64?) -> Bool {
            (greater.map { Int64(o.size) > $0 } ?? true) && (less.map { Int64(o.size) < $0 } ?? true)
        }
        if let prefix = filter.prefix, !o.key.hasPrefix(prefix) { return false }
        if let tag = filter.tag, !tagged(tag) { return false }
        if !sized(filter.objectSizeGreaterThan, filter.objectSizeLessThan) { return false }
        if let and = filter.and {
            if let prefix = and.prefix, !o.key.hasPrefix(prefix) { return false }
            if !(and.tags ?? []).allSatisfy(tagged) { return false }
            if !sized(and.objectSizeGreaterThan, and.objectSizeLessThan) { return false }
        }
        return true
    }

    /// The due actions for one key's versions, newest first.
    func actions(_ versions: [ObjectStore.Object], now: Int64) -> [Action] {
        guard let latest = versions.first else { return [] }
        var out: [Action] = []
        var deleted = Set<String>()
        // The current version.
        if !latest.isDeleteMarker {
            var expired = false
            for rule in rules where Self.applies(rule, latest) {
                guard let expiration = rule.expiration else { continue }
                if let days = expiration.days, now >= due(latest.modifiedMillis, days: days) { expired = true }
                if let date = expiration.date, now >= date.millis { expired = true }
            }
            if expired {
                out.append(.expireCurrent)
            } else if let target = transition(latest, now: now) {
                out.append(.transition(versionId: latest.versionId, storageClass: target))
            }
        }
        // Noncurrent versions: each became noncurrent when the next newer one was written.
        var noncurrentIndex = 0
        for (i, version) in versions.enumerated().dropFirst() where !version.isDeleteMarker {
            let since = versions[i - 1].modifiedMillis
            defer { noncurrentIndex += 1 }
            var expire = false
            var target: String?
            for rule in rules where Self.applies(rule, version) {
                if let e = rule.noncurrentVersionExpiration, let days = e.noncurrentDays, now >= due(since, days: days),
                   noncurrentIndex >= (e.newerNoncurrentVersions ?? 0) {
                    expire = true
                }
                for t in rule.noncurrentVersionTransitions ?? [] {
                    if let days = t.noncurrentDays, now >= due(since, days: days), noncurrentIndex >= (t.newerNoncurrentVersions ?? 0),
                       let storageClass = t.storageClass?.rawValue, Self.rank(storageClass) > Self.rank(Self.storageClass(version)) {
                        target = storageClass
                    }
                }
            }
            if expire {
                out.append(.deleteVersion(version.versionId))
                deleted.insert(version.versionId)
            } else if let target {
                out.append(.transition(versionId: version.versionId, storageClass: target))
            }
        }
        // A delete marker left with no versions behind it is removed when a rule asks.
        let remaining = versions.dropFirst().filter { !deleted.contains($0.versionId) }
        if latest.isDeleteMarker, remaining.isEmpty,
           rules.contains(where: { $0.status == .Enabled && $0.expiration?.expiredObjectDeleteMarker == true && Self.applies($0, latest) }) {
            out.append(.deleteVersion(latest.versionId))
        }
        return out
    }

    /// The coldest storage class a due transition moves the current version to, if colder
    /// than where it is.
    func transition(_ o: ObjectStore.Object, now: Int64) -> String? {
        var target: String?
        for rule in rules where Self.applies(rule, o) {
            for t in rule.transitions ?? [] {
                let isDue = (t.days.map { now >= due(o.modifiedMillis, days: $0) } ?? false) || (t.date.map { now >= $0.millis } ?? false)
                if isDue, let storageClass = t.storageClass?.rawValue, Self.rank(storageClass) > Self.rank(target ?? Self.storageClass(o)) {
                    target = storageClass
                }
            }
        }
        return target
    }

    /// An incomplete multipart upload a rule aborts.
    func abortsUpload(_ upload: ObjectStore.Upload, now: Int64) -> Bool {
        rules.contains { rule in
            guard rule.status == .Enabled, let days = rule.abortIncompleteMultipartUpload?.daysAfterInitiation else { return false }
            let prefix = rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix ?? ""
            return upload.key.hasPrefix(prefix) && now >= due(upload.initiatedMillis, days: days)
        }
    }

    static func storageClass(_ o: ObjectStore.Object) -> String {
        o.headers.first { $0.0 == "x-amz-storage-class" }?.1 ?? "STANDARD"
    }

    /// Storage classes from warmest to coldest: transitions only go colder.
    static func rank(_ storageClass: String) -> Int {
        ["STANDARD": 0, "REDUCED_REDUNDANCY": 0, "INTELLIGENT_TIERING": 1, "STANDARD_IA": 2, "ONEZONE_IA": 3, "GLACIER_IR": 4,
         "GLACIER": 5, "DEEP_ARCHIVE": 6][storageClass] ?? 0
    }

    /// S3's checks of a configuration being put.
    static func check(_ configuration: S3API.BucketLifecycleConfiguration) throws(S3Error) {
        guard configuration.rules.count <= 1000 else {
            throw S3Error("InvalidRequest", "The number of lifecycle rules should not exceed allowed limit of 1000 rules")
        }
        var ids = Set<String>()
        for rule in configuration.rules {
            if let id = rule.id {
                guard id.utf16.count <= 255 else { throw S3Error.invalidArgument("ID length should not exceed allowed limit of 255", name: "ID", value: id) }
                guard ids.insert(id).inserted else {
                    throw S3Error.invalidArgument("Rule ID must be unique. Found same ID for more than one rule", name: "ID", value: id)
                }
            }
            guard rule.prefix == nil || rule.filter == nil else { throw S3Error.malformedXML }
            guard rule.expiration != nil || rule.transitions?.isEmpty == false || rule.noncurrentVersionExpiration != nil
                    || rule.noncurrentVersionTransitions?.isEmpty == false || rule.abortIncompleteMultipartUpload != nil else {
                throw S3Error("InvalidRequest", "At least one action needs to be specified in a rule")
            }
            if let e = rule.expiration {
                let given = [e.days != nil, e.date != nil, e.expiredObjectDeleteMarker != nil].filter { $0 }.count
                guard given == 1 else { throw S3Error.malformedXML }
                if let days = e.days, days <= 0 {
                    throw S3Error.invalidArgument("'Days' for Expiration action must be a positive integer", name: "Days", value: String(days))
                }
                if let date = e.date, date.millis % 86_400_000 != 0 {
                    throw S3Error.invalidArgument("'Date' must be at midnight GMT", name: "Date")
                }
            }
            for t in rule.transitions ?? [] {
                guard (t.days == nil) != (t.date == nil), let storageClass = t.storageClass else { throw S3Error.malformedXML }
                if let days = t.days, days < 0 {
                    throw S3Error.invalidArgument("'Days' in Transition action must be nonnegative", name: "Days", value: String(days))
                }
                if let days = t.days, [.STANDARD_IA, .ONEZONE_IA].contains(storageClass), days < 30 {
                    throw S3Error.invalidArgument("'Days' in Transition action must be greater than or equal to 30 for storageClass '\(storageClass.rawValue)'",
                                                  name: "Days", value: String(days))
                }
            }
            if let n = rule.noncurrentVersionExpiration {
                guard let days = n.noncurrentDays, days > 0 else {
                    throw S3Error.invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", name: "NoncurrentDays")
                }
            }
            if let a = rule.abortIncompleteMultipartUpload {
                guard let days = a.daysAfterInitiation, days > 0 else {
                    throw S3Error.invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
                                                  name: "DaysAfterInitiation")
                }
                if rule.filter?.tag != nil || rule.filter?.and?.tags?.isEmpty == false {
                    throw S3Error.invalidArgument("AbortIncompleteMultipartUpload cannot be specified with Tags.", name: "AbortIncompleteMultipartUpload")
                }
            }
        }
    }
}
