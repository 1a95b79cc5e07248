import EddyWire

/// If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since as S3 evaluates them.
package enum Preconditions {
    package static func check(_ headers: Headers, etag: String, modified: Int64) throws(S3Error) {
        let modifiedSeconds = modified / 1000 * 1000
        func matches(_ list: String) -> Bool {
            list.split(separator: ",").contains { t in
                let tag = String(t).trimmingSpaces
                return tag == "*" || tag == etag || "\"\(tag)\"" == etag
            }
        }
        if let ifMatch = headers["If-Match"] {
            if !matches(ifMatch) { throw S3Error.preconditionFailed }
        } else if let since = headers["If-Unmodified-Since"].flatMap(AWSDate.parse), modifiedSeconds > since {
            throw S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412,
                          [("Condition", "If-Unmodified-Since")])
        }
        if let ifNoneMatch = headers["If-None-Match"] {
            if matches(ifNoneMatch) { throw S3Error.notModified }
        } else if let since = headers["If-Modified-Since"].flatMap(AWSDate.parse), modifiedSeconds <= since {
            throw S3Error.notModified
        }
    }
}
/// Conditional writes (PutObject, CompleteMultipartUpload, CopyObject's destination):
/// `If-None-Match: *` writes only a new key, `If-Match` only over the object with that ETag.
enum WriteConditions {
    static func requested(_ c: S3Context) throws(S3Error) -> ObjectStore.WriteCondition {
        if let none = c.headers["If-None-Match"] {
            guard none.trimmingSpaces == "*" else {
                throw S3Error("NotImplemented", "A header you provided implies functionality that is not implemented", status: 501,
                              [("Header", "If-None-Match")])
            }
            return .ifNoneMatchAny
        }
        if let match = c.headers["If-Match"] { return .ifMatch(match.trimmingSpaces) }
        return .none
    }

    /// A write refused by its condition, as S3 answers it.
    static func failure(_ error: ObjectStore.WriteConditionFailed, key: String) -> S3Error {
        switch error {
        case .exists: S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412,
                              [("Condition", "If-None-Match")])
        case .missing: S3Error.noSuchKey(key)
        case .differs: S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412,
                               [("Condition", "If-Match")])
        }
    }

    /// Stores `object` under its condition, removing its body file if the write is refused.
    static func put(_ c: S3Context, _ object: ObjectStore.Object, versioning: ObjectStore.Versioning?,
                    condition: ObjectStore.WriteCondition) throws(S3Error) -> ObjectStore.Object {
        do {
            return try c.store.put(object, versioning: versioning, condition: condition)
        } catch let failed as ObjectStore.WriteConditionFailed {
            c.store.removeFile(object.file)
            throw failure(failed, key: object.key)
        } catch {
            c.store.removeFile(object.file)
            throw S3Error.internalError("\(error)")
        }
    }
}
