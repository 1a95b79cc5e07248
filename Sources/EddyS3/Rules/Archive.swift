import EddyWire

/// The archive storage classes (GLACIER, DEEP_ARCHIVE): an archived object's body can only be
/// read once a RestoreObject has made a temporary copy of it, which S3 completes after hours
/// and Eddy after `--restore-seconds`, and which lasts the days asked for.
enum Archive {
    static let classes: Set<String> = ["GLACIER", "DEEP_ARCHIVE"]
    static let storageClasses: Set<String> = ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                                              "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE"]

    /// Kept with the version, never answered: when a restore was asked for, and for how many days.
    static let requestedHeader = "eddy-restore-requested"
    static let daysHeader = "eddy-restore-days"

    enum State: Equatable {
        case notArchived
        case archived
        case restoring
        case restored(until: Int64)
    }

    static func state(_ o: ObjectStore.Object, now: Int64, restoreMillis: Int64, dayMillis: Int64) -> State {
        guard classes.contains(Lifecycle.storageClass(o)) else { return .notArchived }
        guard let requested = o.headers.first(where: { $0.0 == requestedHeader }).flatMap({ Int64($0.1) }),
              let days = o.headers.first(where: { $0.0 == daysHeader }).flatMap({ Int64($0.1) }) else { return .archived }
        let ready = requested &+ restoreMillis
        guard now >= ready else { return .restoring }
        let until = ready &+ days &* dayMillis
        return now < until ? .restored(until: until) : .archived
    }

    /// A PutObject's or CopyObject's storage class, which must be one S3 has.
    static func checkStorageClass(_ c: S3Context) throws(S3Error) {
        if let asked = c.headers["x-amz-storage-class"], !storageClasses.contains(asked) {
            throw S3Error("InvalidStorageClass", "The storage class you specified is not valid", [("StorageClassRequested", asked)])
        }
    }

    /// A read of the body of an archived object that is not restored is refused.
    static func checkReadable(_ c: S3Context, _ o: ObjectStore.Object) throws(S3Error) {
        switch state(o, now: c.now, restoreMillis: c.service.restoreMillis, dayMillis: c.service.lifecycleDayMillis) {
        case .notArchived, .restored: return
        case .archived, .restoring:
            throw S3Error("InvalidObjectState", "The operation is not valid for the object's storage class", status: 403,
                          [("StorageClass", Lifecycle.storageClass(o))])
        }
    }

    /// `x-amz-restore` on a HEAD or GET of an archived object a restore was asked for.
    static func header(_ c: S3Context, _ o: ObjectStore.Object, into headers: inout Headers) {
        switch state(o, now: c.now, restoreMillis: c.service.restoreMillis, dayMillis: c.service.lifecycleDayMillis) {
        case .restoring: headers.add("x-amz-restore", "ongoing-request=\"true\"")
        case .restored(let until): headers.add("x-amz-restore", "ongoing-request=\"false\", expiry-date=\"\(AWSDate.httpDate(until))\"")
        case .notArchived, .archived: break
        }
    }
}
