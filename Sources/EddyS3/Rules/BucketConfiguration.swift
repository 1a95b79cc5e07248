import EddyWire

/// The bucket configurations S3 keeps as XML documents: each read against the service model
/// (its generated shape), checked for what the model cannot say, and stored as Eddy writes it
/// back, so a GET answers a canonical document.
struct BucketConfiguration: Sendable {
    /// What a GET answers when none is stored.
    enum Absent: Sendable {
        case error(code: String, message: String)
        /// An empty root element (logging, accelerate, notifications: "not configured").
        case empty
        /// S3's default document (request payment: the bucket owner pays).
        case document([UInt8])
    }

    let subresource: String
    let root: String
    let absent: Absent
    /// Whether S3 has a DELETE for it; those without are reset by a PUT.
    let deletable: Bool
    /// The document a DELETE leaves (encryption falls back to S3's default), or none.
    let afterDelete: [UInt8]?
    /// Reads a PUT's document: checked, and written as it will be answered.
    let read: @Sendable (S3Context, ObjectStore.Bucket, XMLElement) throws(S3Error) -> [UInt8]
    /// Headers the PUT and GET answers carry.
    var answerHeaders: [(String, String)] = []

    static func document<T: XMLDocumentShape & XMLDocumentEncodable>(
        _ type: T.Type, root: String, check: @escaping @Sendable (S3Context, ObjectStore.Bucket, T) throws(S3Error) -> Void = { _, _, _ in }
    ) -> @Sendable (S3Context, ObjectStore.Bucket, XMLElement) throws(S3Error) -> [UInt8] {
        { c, bucket, element throws(S3Error) in
            let value: T
            do { value = try T.decode(xml: element, named: root) } catch { throw S3Error.malformedXML }
            try check(c, bucket, value)
            return value.xmlDocument(root: root, namespace: s3Namespace)
        }
    }

    static let all: [BucketConfiguration] = [
        BucketConfiguration(
            subresource: "publicAccessBlock", root: "PublicAccessBlockConfiguration",
            absent: .error(code: "NoSuchPublicAccessBlockConfiguration", message: "The public access block configuration was not found"),
            deletable: true, afterDelete: nil,
            read: document(S3API.PublicAccessBlockConfiguration.self, root: "PublicAccessBlockConfiguration")),
        BucketConfiguration(
            subresource: "ownershipControls", root: "OwnershipControls",
            absent: .error(code: "OwnershipControlsNotFoundError", message: "The bucket ownership controls were not found"),
            deletable: true, afterDelete: nil,
            read: document(S3API.OwnershipControls.self, root: "OwnershipControls") { _, _, value throws(S3Error) in
                guard value.rules.count == 1 else { throw S3Error.malformedXML }
            }),
        BucketConfiguration(
            subresource: "encryption", root: "ServerSideEncryptionConfiguration",
            absent: .error(code: "ServerSideEncryptionConfigurationNotFoundError",
                           message: "The server side encryption configuration was not found"),
            deletable: true, afterDelete: BucketDefaults.encryption,
            read: document(S3API.ServerSideEncryptionConfiguration.self, root: "ServerSideEncryptionConfiguration") { _, _, value throws(S3Error) in
                guard value.rules.count == 1 else { throw S3Error.malformedXML }
                for rule in value.rules {
                    guard let byDefault = rule.applyServerSideEncryptionByDefault else { continue }
                    if byDefault.kmsMasterKeyID != nil, byDefault.sseAlgorithm != .aws_kms, byDefault.sseAlgorithm != .aws_kms_dsse {
                        throw S3Error.invalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                                                      name: "ApplyServerSideEncryptionByDefault")
                    }
                }
            }),
        BucketConfiguration(
            subresource: "logging", root: "BucketLoggingStatus", absent: .empty, deletable: false, afterDelete: nil,
            read: document(S3API.BucketLoggingStatus.self, root: "BucketLoggingStatus") { c, bucket, value throws(S3Error) in
                guard let target = value.loggingEnabled?.targetBucket else { return }
                let found = try c.catalog { try c.store.bucket(target) }
                guard let found, found.account == bucket.account else {
                    throw S3Error("InvalidTargetBucketForLogging", "The target bucket for logging does not exist", [("TargetBucket", target)])
                }
            }),
        BucketConfiguration(
            subresource: "requestPayment", root: "RequestPaymentConfiguration",
            absent: .document(S3API.RequestPaymentConfiguration(payer: .BucketOwner)
                .xmlDocument(root: "RequestPaymentConfiguration", namespace: s3Namespace)),
            deletable: false, afterDelete: nil,
            read: document(S3API.RequestPaymentConfiguration.self, root: "RequestPaymentConfiguration")),
        BucketConfiguration(
            subresource: "accelerate", root: "AccelerateConfiguration", absent: .empty, deletable: false, afterDelete: nil,
            read: document(S3API.AccelerateConfiguration.self, root: "AccelerateConfiguration") { _, bucket, _ throws(S3Error) in
                guard !bucket.name.contains(".") else {
                    throw S3Error("InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
                }
            }),
        BucketConfiguration(
            subresource: "website", root: "WebsiteConfiguration",
            absent: .error(code: "NoSuchWebsiteConfiguration", message: "The specified bucket does not have a website configuration"),
            deletable: true, afterDelete: nil,
            read: document(S3API.WebsiteConfiguration.self, root: "WebsiteConfiguration") { _, _, value throws(S3Error) in
                if value.redirectAllRequestsTo == nil, value.indexDocument == nil {
                    throw S3Error.invalidArgument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
                                                  name: "IndexDocument")
                }
                if value.redirectAllRequestsTo != nil, value.indexDocument != nil || value.errorDocument != nil || value.routingRules != nil {
                    throw S3Error.invalidArgument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                                                  name: "RedirectAllRequestsTo")
                }
            }),
        BucketConfiguration(
            subresource: "replication", root: "ReplicationConfiguration",
            absent: .error(code: "ReplicationConfigurationNotFoundError", message: "The replication configuration was not found"),
            deletable: true, afterDelete: nil,
            read: document(S3API.ReplicationConfiguration.self, root: "ReplicationConfiguration") { c, bucket, value throws(S3Error) in
                guard bucket.versioning == .enabled else {
                    throw S3Error("InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
                }
                for rule in value.rules {
                    let arn = rule.destination.bucket
                    let name = arn.hasPrefix("arn:aws:s3:::") ? String(arn.dropFirst("arn:aws:s3:::".count)) : arn
                    guard let destination = try c.catalog({ try c.store.bucket(name) }) else {
                        throw S3Error("InvalidRequest", "Destination bucket must exist.")
                    }
                    guard destination.versioning == .enabled else {
                        throw S3Error("InvalidRequest", "Destination bucket must have versioning enabled.")
                    }
                }
            }),
        BucketConfiguration(
            subresource: "notification", root: "NotificationConfiguration", absent: .empty, deletable: false, afterDelete: nil,
            read: document(S3API.NotificationConfiguration.self, root: "NotificationConfiguration") { _, _, value throws(S3Error) in
                // S3 checks every destination when the configuration is put; Eddy has no SNS,
                // SQS or Lambda to deliver to, so each one fails that check, as AWS answers
                // one it cannot reach.
                let destinations = (value.topicConfigurations ?? []).map(\.topicArn) + (value.queueConfigurations ?? []).map(\.queueArn)
                    + (value.lambdaFunctionConfigurations ?? []).map(\.lambdaFunctionArn)
                guard destinations.isEmpty else {
                    var error = S3Error("InvalidArgument", "Unable to validate the following destination configurations")
                    for (i, arn) in destinations.enumerated() {
                        error.details += [("ArgumentName\(i + 1)", arn),
                                          ("ArgumentValue\(i + 1)", "Eddy cannot deliver notifications to this destination")]
                    }
                    throw error
                }
            }),
    ]

    static let cors = BucketConfiguration(
        subresource: "cors", root: "CORSConfiguration",
        absent: .error(code: "NoSuchCORSConfiguration", message: "The CORS configuration does not exist"),
        deletable: true, afterDelete: nil,
        read: document(S3API.CORSConfiguration.self, root: "CORSConfiguration") { _, _, value throws(S3Error) in try CORSRules.check(value) })

    static let lifecycle = BucketConfiguration(
        subresource: "lifecycle", root: "LifecycleConfiguration",
        absent: .error(code: "NoSuchLifecycleConfiguration", message: "The lifecycle configuration does not exist"),
        deletable: true, afterDelete: nil,
        read: document(S3API.BucketLifecycleConfiguration.self, root: "LifecycleConfiguration") { _, _, value throws(S3Error) in
            try Lifecycle.check(value)
        },
        answerHeaders: [("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K")])

    static func named(_ query: [String: String]) -> BucketConfiguration? { (all + [cors, lifecycle]).first { query[$0.subresource] != nil } }
}

/// What a bucket created today starts with (since 2023): Block Public Access on, ACLs disabled
/// (BucketOwnerEnforced), and SSE-S3 default encryption.
enum BucketDefaults {
    static let publicAccessBlock = S3API.PublicAccessBlockConfiguration(
        blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true)
        .xmlDocument(root: "PublicAccessBlockConfiguration", namespace: s3Namespace)

    static func ownership(_ value: S3API.ObjectOwnership) -> [UInt8] {
        S3API.OwnershipControls(rules: [S3API.OwnershipControlsRule(objectOwnership: value)])
            .xmlDocument(root: "OwnershipControls", namespace: s3Namespace)
    }

    static let encryption = S3API.ServerSideEncryptionConfiguration(rules: [
        S3API.ServerSideEncryptionRule(applyServerSideEncryptionByDefault: S3API.ServerSideEncryptionByDefault(sseAlgorithm: .AES256),
                                       bucketKeyEnabled: false),
    ]).xmlDocument(root: "ServerSideEncryptionConfiguration", namespace: s3Namespace)
}
