import EddyWire

/// CreateBucket: S3's name rules, LocationConstraint, tags, the object ownership asked for,
/// and us-east-1's answer for a bucket you own. A new bucket starts with S3's defaults for a
/// bucket created today (`BucketDefaults`).
enum CreateBucket {
    static func perform(_ c: S3Context, name: String) throws(S3Error) -> ServiceResponse {
        guard BucketName.isValid(name) else {
            throw S3Error("InvalidBucketName", "The specified bucket is not valid.", [("BucketName", name)])
        }
        var region = c.region
        var tags: [(String, String)] = []
        if !c.request.body.isEmpty {
            let element = try c.parseXML()
            let config: S3API.CreateBucketConfiguration
            do {
                config = try S3API.CreateBucketConfiguration.decode(xml: element, named: "CreateBucketConfiguration")
            } catch {
                if let constraint = element.value("LocationConstraint"), S3API.BucketLocationConstraint(rawValue: constraint) == nil {
                    throw S3Error("InvalidLocationConstraint", "The specified location-constraint is not valid", [("LocationConstraint", constraint)])
                }
                throw S3Error.malformedXML
            }
            if let constraint = config.locationConstraint?.rawValue {
                if constraint == "us-east-1" && c.region == "us-east-1" {
                    throw S3Error("InvalidLocationConstraint", "The specified location-constraint is not valid", [("LocationConstraint", constraint)])
                }
                // The us-east-1 (global) endpoint creates a bucket in any region; a regional
                // endpoint only in its own.
                if constraint != c.region && c.region != "us-east-1" {
                    throw S3Error("IllegalLocationConstraintException",
                                  "The \(constraint) location constraint is incompatible for the region specific endpoint this request was sent to.")
                }
                region = constraint
            }
            tags = (config.tags ?? []).map { ($0.key, $0.value) }
        }
        let ownership: S3API.ObjectOwnership
        if let asked = c.headers["x-amz-object-ownership"] {
            guard let value = S3API.ObjectOwnership(rawValue: asked) else {
                throw S3Error.invalidArgument("Invalid x-amz-object-ownership header", name: "x-amz-object-ownership", value: asked)
            }
            ownership = value
        } else {
            ownership = .BucketOwnerEnforced
        }
        if ownership == .BucketOwnerEnforced, let acl = c.headers["x-amz-acl"], acl != "private", acl != "bucket-owner-full-control" {
            throw S3Error("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
        }
        let locked = c.headers["x-amz-bucket-object-lock-enabled"]?.lowercased() == "true"
        if let existing = try c.catalog({ try c.store.bucket(name) }) {
            if existing.account != c.account {
                throw S3Error("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", status: 409, [("BucketName", name)])
            }
            // us-east-1 answers success for a bucket you already own (S3's legacy behaviour).
            if existing.region != "us-east-1" || c.region != "us-east-1" {
                throw S3Error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", status: 409, [("BucketName", name)])
            }
        } else {
            var settings: [(kind: String, document: [UInt8])] = [
                ("publicAccessBlock", BucketDefaults.publicAccessBlock),
                ("ownershipControls", BucketDefaults.ownership(ownership)),
                ("encryption", BucketDefaults.encryption),
            ]
            // A bucket made with Object Lock has it for good, and versioning enabled with it.
            if locked { settings.append(("objectLock", ObjectLock.document(S3API.ObjectLockConfiguration(objectLockEnabled: .Enabled)))) }
            try c.catalog {
                try c.store.createBucket(.init(name: name, account: c.account, region: region, createdMillis: c.now, tags: []),
                                         settings: settings)
                if !tags.isEmpty { try c.store.setBucketTags(name, tags) }
                if locked { try c.store.setVersioning(name, .enabled, mfaDelete: nil) }
            }
        }
        var response = c.empty()
        response.headers.add("Location", "/" + name)
        return response
    }
}
