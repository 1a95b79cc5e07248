import EddyWire

/// Server-side encryption as S3 reports it: every object is encrypted (SSE-S3 unless the
/// request or the bucket's default says otherwise), and the answers about it say how. Eddy
/// keeps bodies as they are; what it keeps and checks is the encryption's description, and for
/// SSE-C the key's MD5, which every read of the object must match.
enum Encryption {
    static let algorithm = "x-amz-server-side-encryption"
    static let kmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id"
    static let bucketKey = "x-amz-server-side-encryption-bucket-key-enabled"
    static let context = "x-amz-server-side-encryption-context"
    static let customerAlgorithm = "x-amz-server-side-encryption-customer-algorithm"
    static let customerKey = "x-amz-server-side-encryption-customer-key"
    static let customerKeyMD5 = "x-amz-server-side-encryption-customer-key-MD5"

    /// The headers an object answer carries about its encryption (and that are stored with it).
    static let described = [algorithm, kmsKeyId, bucketKey, context, customerAlgorithm, customerKeyMD5.lowercased()]

    /// How a new object is encrypted: the request's headers, else the bucket's default.
    static func forWrite(_ c: S3Context, _ bucket: ObjectStore.Bucket) throws(S3Error) -> [(String, String)] {
        if let customer = try customerKey(c, prefix: "x-amz-server-side-encryption-") {
            guard c.headers[algorithm] == nil else {
                throw S3Error.invalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
                                              name: algorithm, value: c.headers[algorithm])
            }
            return [(customerAlgorithm, "AES256"), (customerKeyMD5.lowercased(), customer)]
        }
        if let asked = c.headers[algorithm] {
            guard ["AES256", "aws:kms", "aws:kms:dsse"].contains(asked) else {
                throw S3Error.invalidArgument("The encryption method specified is not supported", name: algorithm, value: asked)
            }
            var out = [(algorithm, asked)]
            if asked != "AES256" {
                out.append((kmsKeyId, c.headers[kmsKeyId] ?? managedKey(c)))
                if let bucketKeyEnabled = c.headers[bucketKey] { out.append((bucketKey, bucketKeyEnabled.lowercased() == "true" ? "true" : "false")) }
                if let encryptionContext = c.headers[context] { out.append((context, encryptionContext)) }
            } else if c.headers[kmsKeyId] != nil {
                throw S3Error.invalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
                                              name: kmsKeyId, value: c.headers[kmsKeyId])
            }
            return out
        }
        if c.headers[kmsKeyId] != nil {
            throw S3Error.invalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
                                          name: kmsKeyId, value: c.headers[kmsKeyId])
        }
        return bucketDefault(try c.catalog { try c.store.setting(bucket.name, "encryption") }, region: c.region, account: c.account)
    }

    /// The bucket's default encryption (SSE-S3 for a bucket without one, as S3 applies since 2023).
    static func bucketDefault(_ stored: [UInt8]?, region: String, account: String) -> [(String, String)] {
        guard let stored, let element = try? XMLElement.parse(stored),
              let configuration = try? S3API.ServerSideEncryptionConfiguration.decode(xml: element, named: "ServerSideEncryptionConfiguration"),
              let rule = configuration.rules.first, let byDefault = rule.applyServerSideEncryptionByDefault
        else { return [(algorithm, "AES256")] }
        var out = [(algorithm, byDefault.sseAlgorithm.rawValue)]
        if byDefault.sseAlgorithm != .AES256 {
            out.append((kmsKeyId, byDefault.kmsMasterKeyID ?? managedKey(region: region, account: account)))
            if rule.bucketKeyEnabled == true { out.append((bucketKey, "true")) }
        }
        return out
    }

    static func managedKey(_ c: S3Context) -> String { managedKey(region: c.region, account: c.account) }

    static func managedKey(region: String, account: String) -> String { "arn:aws:kms:\(region):\(account):alias/aws/s3" }

    /// An SSE-C key sent with `prefix` headers: its MD5 (base64) once the key is checked.
    static func customerKey(_ c: S3Context, prefix: String) throws(S3Error) -> String? {
        let algorithmHeader = prefix + "customer-algorithm", keyHeader = prefix + "customer-key", md5Header = prefix + "customer-key-MD5"
        guard c.headers[algorithmHeader] != nil || c.headers[keyHeader] != nil || c.headers[md5Header] != nil else { return nil }
        guard c.headers[algorithmHeader] == "AES256" else {
            throw S3Error.invalidArgument("The encryption algorithm specified is not supported for SSE-C", name: algorithmHeader,
                                          value: c.headers[algorithmHeader])
        }
        guard let key = c.headers[keyHeader], let raw = try? Base64.decode(key), raw.count == 32 else {
            throw S3Error.invalidArgument("The secret key was invalid for the specified algorithm.", name: keyHeader)
        }
        let digest = DigestChecksum.md5()
        digest.update(raw)
        let md5 = Base64.encode(digest.finish())
        guard c.headers[md5Header] == md5 else {
            throw S3Error.invalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.", name: md5Header)
        }
        return md5
    }

    /// A read of an SSE-C object needs its key (`prefix`: `x-amz-copy-source-` for a copy's source).
    static func checkRead(_ c: S3Context, _ object: ObjectStore.Object, prefix: String = "x-amz-server-side-encryption-") throws(S3Error) {
        let stored = object.headers.first { $0.0 == customerKeyMD5.lowercased() }?.1
        let sent = try customerKey(c, prefix: prefix)
        switch (stored, sent) {
        case (nil, nil): return
        case (nil, _?):
            throw S3Error("InvalidRequest", "The encryption parameters are not applicable to this object.")
        case (_?, nil):
            throw S3Error("InvalidRequest", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
        case (let kept?, let given?):
            guard kept == given else {
                throw S3Error("AccessDenied", "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.", status: 403)
            }
        }
    }

    /// Each part of an SSE-C upload is sent with the upload's key.
    static func checkPart(_ c: S3Context, _ upload: ObjectStore.Upload) throws(S3Error) {
        let stored = upload.headers.first { $0.0 == customerKeyMD5.lowercased() }?.1
        let sent = try customerKey(c, prefix: "x-amz-server-side-encryption-")
        guard stored == sent else {
            throw S3Error("InvalidRequest", "The provided encryption parameters did not match the ones used originally.")
        }
    }

    /// The object's encryption headers, for an answer.
    static func answer(_ headers: [(String, String)], into response: inout Headers) {
        for (name, value) in headers where described.contains(name) {
            response.add(name == customerKeyMD5.lowercased() ? customerKeyMD5 : name, value)
        }
    }

    /// Headers without their encryption description (a copy is encrypted anew).
    static func without(_ headers: [(String, String)]) -> [(String, String)] {
        headers.filter { !described.contains($0.0) }
    }
}
