import CCrypto
import EddyWire

/// Access control lists: the grants of a bucket or an object version, from a canned ACL
/// (`x-amz-acl`), grant headers (`x-amz-grant-read: id="…", uri="…"`) or an
/// AccessControlPolicy document; and S3's rules for them (ACLs disabled under
/// BucketOwnerEnforced, public grants blocked by Block Public Access).
enum AccessControl {
    static let allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
    static let authenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
    static let logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"

    /// The account's canonical user id: 64 hex digits, as S3's are, the same for the account
    /// every time.
    static func canonicalId(_ account: String) -> String {
        let digest = DigestChecksum(EVP_sha256())
        digest.update(Array("eddy canonical user \(account)".utf8))
        return Hex.lower(digest.finish())
    }

    static func user(_ id: String, _ permission: S3API.Permission) -> S3API.Grant {
        S3API.Grant(grantee: S3API.Grantee(id: id, type: .CanonicalUser), permission: permission)
    }

    static func group(_ uri: String, _ permission: S3API.Permission) -> S3API.Grant {
        S3API.Grant(grantee: S3API.Grantee(type: .Group, uri: uri), permission: permission)
    }

    /// The grants of a canned ACL; `bucketOwner` for the bucket-owner ACLs of objects.
    static func canned(_ name: String, owner: String, bucketOwner: String, forBucket: Bool) throws(S3Error) -> [S3API.Grant] {
        let full = user(owner, .FULL_CONTROL)
        switch name {
        case "private": return [full]
        case "public-read": return [full, group(allUsers, .READ)]
        case "public-read-write": return [full, group(allUsers, .READ), group(allUsers, .WRITE)]
        case "authenticated-read": return [full, group(authenticatedUsers, .READ)]
        case "aws-exec-read": return [full]
        case "log-delivery-write" where forBucket: return [full, group(logDelivery, .WRITE), group(logDelivery, .READ_ACP)]
        case "bucket-owner-read" where !forBucket: return owner == bucketOwner ? [full] : [full, user(bucketOwner, .READ)]
        case "bucket-owner-full-control" where !forBucket: return owner == bucketOwner ? [full] : [full, user(bucketOwner, .FULL_CONTROL)]
        default: throw S3Error.invalidArgument("", name: "x-amz-acl", value: name)
        }
    }

    static let grantHeaders: [(String, S3API.Permission)] = [
        ("x-amz-grant-full-control", .FULL_CONTROL), ("x-amz-grant-read", .READ), ("x-amz-grant-read-acp", .READ_ACP),
        ("x-amz-grant-write", .WRITE), ("x-amz-grant-write-acp", .WRITE_ACP),
    ]

    /// The grants a request's headers ask for: a canned ACL or grant headers (not both); nil
    /// when it names none.
    static func requested(_ c: S3Context, owner: String, bucketOwner: String, forBucket: Bool) throws(S3Error) -> [S3API.Grant]? {
        let granted = grantHeaders.filter { c.headers[$0.0] != nil }
        if let name = c.headers["x-amz-acl"] {
            guard granted.isEmpty else {
                throw S3Error("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
            }
            return try canned(name, owner: owner, bucketOwner: bucketOwner, forBucket: forBucket)
        }
        guard !granted.isEmpty else { return nil }
        var grants: [S3API.Grant] = []
        for (header, permission) in granted {
            for grantee in (c.headers[header] ?? "").split(separator: ",") {
                let parts = grantee.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
                guard parts.count == 2 else { throw S3Error.invalidArgument("Invalid id", name: header, value: String(grantee)) }
                let value = parts[1].hasPrefix("\"") && parts[1].hasSuffix("\"") && parts[1].count >= 2
                    ? String(parts[1].dropFirst().dropLast()) : parts[1]
                switch parts[0].lowercased() {
                case "id": grants.append(user(value, permission))
                case "uri": grants.append(group(value, permission))
                case "emailaddress": throw unresolvableEmail(value)
                default: throw S3Error.invalidArgument("Invalid id", name: header, value: String(grantee))
                }
            }
        }
        return grants
    }

    /// The grants of a PUT ?acl: its headers, or else its AccessControlPolicy document.
    static func put(_ c: S3Context, owner: String, bucketOwner: String, forBucket: Bool) throws(S3Error) -> [S3API.Grant] {
        if let grants = try requested(c, owner: owner, bucketOwner: bucketOwner, forBucket: forBucket) {
            guard c.request.body.isEmpty else {
                throw S3Error("UnexpectedContent", "This request does not support content")
            }
            return grants
        }
        guard !c.request.body.isEmpty else {
            throw S3Error("MissingSecurityHeader", "Your request was missing a required header", [("MissingHeaderName", "x-amz-acl")])
        }
        let policy: S3API.AccessControlPolicy
        do {
            policy = try S3API.AccessControlPolicy.decode(xml: try c.parseXML(), named: "AccessControlPolicy")
        } catch {
            throw S3Error("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
        }
        let grants = policy.grants ?? []
        for grant in grants {
            guard let grantee = grant.grantee, grant.permission != nil else {
                throw S3Error("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
            }
            switch grantee.type {
            case .CanonicalUser where grantee.id == nil, .Group where grantee.uri == nil:
                throw S3Error("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
            case .Group where ![allUsers, authenticatedUsers, logDelivery].contains(grantee.uri ?? ""):
                throw S3Error.invalidArgument("Invalid group uri", name: "uri", value: grantee.uri)
            case .AmazonCustomerByEmail:
                throw unresolvableEmail(grantee.emailAddress ?? "")
            default: break
            }
        }
        return grants
    }

    static func unresolvableEmail(_ address: String) -> S3Error {
        S3Error("UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record.", [("EmailAddressProvided", address)])
    }

    /// Grants S3 accepts on a bucket whose ACLs are disabled: full control to the owner alone.
    static func isOwnerOnly(_ grants: [S3API.Grant], owner: String) -> Bool {
        grants.allSatisfy { $0.grantee?.type == .CanonicalUser && $0.grantee?.id == owner && $0.permission == .FULL_CONTROL }
    }

    static func isPublic(_ grants: [S3API.Grant]) -> Bool {
        grants.contains { $0.grantee?.type == .Group && ($0.grantee?.uri == allUsers || $0.grantee?.uri == authenticatedUsers) }
    }

    static func document(owner: String, grants: [S3API.Grant]) -> [UInt8] {
        S3API.AccessControlPolicy(grants: grants, owner: S3API.Owner(id: owner))
            .xmlDocument(root: "AccessControlPolicy", namespace: s3Namespace)
    }

    /// The bucket's object ownership (a bucket from before ownership controls writes as ObjectWriter).
    static func ownership(_ c: S3Context, _ bucket: ObjectStore.Bucket) throws(S3Error) -> S3API.ObjectOwnership? {
        guard let stored = try c.catalog({ try c.store.setting(bucket.name, "ownershipControls") }),
              let element = try? XMLElement.parse(stored),
              let controls = try? S3API.OwnershipControls.decode(xml: element, named: "OwnershipControls") else { return nil }
        return controls.rules.first?.objectOwnership
    }

    /// S3's rules for grants about to be set: refused while ACLs are disabled unless they give
    /// the owner alone full control, and public ones refused while BlockPublicAcls is on.
    static func admit(_ grants: [S3API.Grant], _ c: S3Context, _ bucket: ObjectStore.Bucket, owner: String) throws(S3Error) {
        if try ownership(c, bucket) == .BucketOwnerEnforced, !isOwnerOnly(grants, owner: owner) {
            throw S3Error("AccessControlListNotSupported", "The bucket does not allow ACLs")
        }
        if isPublic(grants), try PublicAccess.blocks(\.blockPublicAcls, c, bucket) {
            throw S3Error("AccessDenied", "Access Denied", status: 403)
        }
    }

    /// The ACL a write asks for (PutObject, CopyObject, CreateMultipartUpload), admitted: a
    /// document to keep with the version, or nil for the default (the owner's full control).
    static func forWrite(_ c: S3Context, _ bucket: ObjectStore.Bucket) throws(S3Error) -> [UInt8]? {
        let owner = canonicalId(c.account)
        guard let grants = try requested(c, owner: owner, bucketOwner: canonicalId(bucket.account), forBucket: false) else { return nil }
        try admit(grants, c, bucket, owner: owner)
        return isOwnerOnly(grants, owner: owner) ? nil : document(owner: owner, grants: grants)
    }
}
