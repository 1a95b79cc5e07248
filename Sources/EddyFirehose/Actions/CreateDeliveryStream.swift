import EddyWire

/// CreateDeliveryStream: DirectPut or KinesisStreamAsSource into S3 (S3DestinationConfiguration
/// or ExtendedS3DestinationConfiguration). Destinations and sources Eddy does not deliver are
/// refused here rather than accepted and dropped.
extension FirehoseAPI.CreateDeliveryStream: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let name = input.deliveryStreamName
        let others: [(String, Bool)] = [
            ("RedshiftDestinationConfiguration", input.redshiftDestinationConfiguration != nil),
            ("ElasticsearchDestinationConfiguration", input.elasticsearchDestinationConfiguration != nil),
            ("AmazonopensearchserviceDestinationConfiguration", input.amazonopensearchserviceDestinationConfiguration != nil),
            ("SplunkDestinationConfiguration", input.splunkDestinationConfiguration != nil),
            ("HttpEndpointDestinationConfiguration", input.httpEndpointDestinationConfiguration != nil),
            ("AmazonOpenSearchServerlessDestinationConfiguration", input.amazonOpenSearchServerlessDestinationConfiguration != nil),
            ("SnowflakeDestinationConfiguration", input.snowflakeDestinationConfiguration != nil),
            ("IcebergDestinationConfiguration", input.icebergDestinationConfiguration != nil),
        ]
        if let other = others.first(where: \.1) { throw .invalidArgument("Eddy delivers only to S3: \(other.0) is not supported.") }
        if input.mskSourceConfiguration != nil || input.databaseSourceConfiguration != nil {
            throw .invalidArgument("Eddy supports DirectPut and KinesisStreamAsSource delivery streams only.")
        }
        let type = input.deliveryStreamType ?? .DirectPut
        guard type == .DirectPut || type == .KinesisStreamAsSource else {
            throw .invalidArgument("Eddy supports DirectPut and KinesisStreamAsSource delivery streams only, not \(type.rawValue).")
        }
        let destination: S3Destination.Description
        if let extended = input.extendedS3DestinationConfiguration {
            destination = try S3Destination.described(extended)
        } else if let plain = input.s3DestinationConfiguration {
            destination = try S3Destination.described(plain)
        } else {
            throw .invalidArgument("An S3DestinationConfiguration or ExtendedS3DestinationConfiguration is required.")
        }
        var sourceARN: String?, sourceRole: String?
        var checkpoints: [(String, UInt64)] = []
        if type == .KinesisStreamAsSource {
            guard let source = input.kinesisStreamSourceConfiguration else {
                throw .invalidArgument("KinesisStreamSourceConfiguration is required for a KinesisStreamAsSource delivery stream.")
            }
            guard let shards = c.service.delivery.source?.shards(ofStream: source.kinesisStreamARN) else {
                throw .invalidArgument("Kinesis stream \(source.kinesisStreamARN) does not exist or is not ACTIVE.")
            }
            // Reading starts at the stream's tip: records put before the delivery stream are not delivered.
            checkpoints = shards.map { ("shard-\($0.index)", $0.next) }
            sourceARN = source.kinesisStreamARN
            sourceRole = source.roleARN
        } else if input.kinesisStreamSourceConfiguration != nil {
            throw .invalidArgument("KinesisStreamSourceConfiguration is only valid with DeliveryStreamType KinesisStreamAsSource.")
        }
        if c.store.stream(c.request.accountId, c.request.region, name) != nil {
            throw .resourceInUse("Firehose \(name) under accountId \(c.request.accountId) already exists")
        }
        var stream = DeliveryStream(id: 0, account: c.request.accountId, region: c.request.region, name: name, type: type,
                                    sourceARN: sourceARN, sourceRoleARN: sourceRole, destination: destination, version: 1,
                                    storedStatus: .CREATING, createdMillis: c.now, updatedMillis: c.now,
                                    tags: (input.tags ?? []).map { ($0.key, $0.value ?? "") }, encryption: nil, buffer: nil, failure: nil)
        if let encryption = input.deliveryStreamEncryptionConfigurationInput {
            stream.encryption = Encryption.enabled(encryption)
        }
        let created = try c.catalog { try c.store.create(stream, checkpoints: checkpoints) }
        return Output(deliveryStreamARN: created.arn)
    }
}
