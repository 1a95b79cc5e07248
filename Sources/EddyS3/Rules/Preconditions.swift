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