import EddyWire

/// CreateBucket: S3's name rules, LocationConstraint, and us-east-1's answer for a bucket you own.
enum CreateBucket {
    static func perform(_ c: S3Context, name: String) throws(S3Error) -> ServiceResponse {
        guard BucketName.isValid(name) else {
            throw S3Error("InvalidBucketName", "The specified bucket is not valid.", [("BucketName", name)])
        }
        var region = c.region
        if !c.request.body.isEmpty {
            let config = try c.parseXML()
            if let constraint = config.value("LocationConstraint"), !constraint.isEmpty {
                if constraint == "us-east-1" && c.region == "us-east-1" {
                    throw S3Error("InvalidLocationConstraint", "The specified location-constraint is not valid", [("LocationConstraint", constraint)])
                }
                if constraint != c.region {
                    throw S3Error("IllegalLocationConstraintException",
                                  "The \(constraint) location constraint is incompatible for the region specific endpoint this request was sent to.")
                }
                region = constraint
            }
        }
        if let existing = try c.catalog({ try c.store.bucket(name) }) {
            if existing.account != c.account {
                throw S3Error("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", status: 409, [("BucketName", name)])
            }
            // us-east-1 answers success for a bucket you already own (S3's legacy behaviour).
            if existing.region != "us-east-1" || c.region != "us-east-1" {
                throw S3Error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", status: 409, [("BucketName", name)])
            }
        } else {
            try c.catalog { try c.store.createBucket(.init(name: name, account: c.account, region: region, createdMillis: c.now, tags: [])) }
        }
        var response = c.empty()
        response.headers.add("Location", "/" + name)
        return response
    }
}
