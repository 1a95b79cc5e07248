import EddyWire

/// CreateDeliveryStream: DirectPut or KinesisStreamAsSource into S3 (S3DestinationConfiguration
/// or ExtendedS3DestinationConfiguration). Destinations and features Eddy does not deliver are
/// refused here rather than accepted and dropped.
enum CreateDeliveryStream: FirehoseAction {
    static let otherDestinations = ["RedshiftDestinationConfiguration", "ElasticsearchDestinationConfiguration",
                                    "AmazonopensearchserviceDestinationConfiguration", "SplunkDestinationConfiguration",
                                    "HttpEndpointDestinationConfiguration", "AmazonOpenSearchServerlessDestinationConfiguration",
                                    "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration"]

    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let i = c.input
        let name = i["DeliveryStreamName"]!.string!
        if let other = otherDestinations.first(where: { i[$0] != nil }) {
            throw .invalidArgument("Eddy delivers only to S3: \(other) is not supported.")
        }
        if i["MSKSourceConfiguration"] != nil || i["DatabaseSourceConfiguration"] != nil {
            throw .invalidArgument("Eddy supports DirectPut and KinesisStreamAsSource delivery streams only.")
        }
        let type = i["DeliveryStreamType"]?.string ?? "DirectPut"
        guard type == "DirectPut" || type == "KinesisStreamAsSource" else {
            throw .invalidArgument("Eddy supports DirectPut and KinesisStreamAsSource delivery streams only, not \(type).")
        }
        guard let config = i["ExtendedS3DestinationConfiguration"]?.object ?? i["S3DestinationConfiguration"]?.object else {
            throw .invalidArgument("An S3DestinationConfiguration or ExtendedS3DestinationConfiguration is required.")
        }
        let destination = try S3Destination.normalize(config)
        var sourceARN: String?, sourceRole: String?
        var checkpoints: [(String, UInt64)] = []
        if type == "KinesisStreamAsSource" {
            guard let source = i["KinesisStreamSourceConfiguration"]?.object, let arn = source["KinesisStreamARN"]?.string else {
                throw .invalidArgument("KinesisStreamSourceConfiguration is required for a KinesisStreamAsSource delivery stream.")
            }
            guard let shards = c.service.delivery.source?.shards(ofStream: arn) else {
                throw .invalidArgument("Kinesis stream \(arn) does not exist or is not ACTIVE.")
            }
            // Reading starts at the stream's tip: records put before the delivery stream are not delivered.
            checkpoints = shards.map { ("shard-\($0.index)", $0.next) }
            sourceARN = arn
            sourceRole = source["RoleARN"]?.string
        } else if i["KinesisStreamSourceConfiguration"] != nil {
            throw .invalidArgument("KinesisStreamSourceConfiguration is only valid with DeliveryStreamType KinesisStreamAsSource.")
        }
        if c.store.stream(c.request.accountId, c.request.region, name) != nil {
            throw .resourceInUse("Firehose \(name) under accountId \(c.request.accountId) already exists")
        }
        let tags = (i["Tags"]?.array ?? []).compactMap { t -> (String, String)? in
            guard let k = t.object?["Key"]?.string else { return nil }
            return (k, t.object?["Value"]?.string ?? "")
        }
        var stream = DeliveryStream(id: 0, account: c.request.accountId, region: c.request.region, name: name, type: type,
                                    sourceARN: sourceARN, sourceRoleARN: sourceRole, destination: destination, version: 1,
                                    storedStatus: "CREATING", createdMillis: c.now, updatedMillis: c.now, tags: tags,
                                    encryption: nil, buffer: nil, failure: nil)
        if let enc = i["DeliveryStreamEncryptionConfigurationInput"]?.object {
            stream.encryption = JSONObject([("KeyType", enc["KeyType"] ?? .string("AWS_OWNED_CMK")), ("Status", .string("ENABLED"))]
                                           + (enc["KeyARN"].map { [("KeyARN", $0)] } ?? []))
        }
        let created = try c.catalog { try c.store.create(stream, checkpoints: checkpoints) }
        return json { w in w.member("DeliveryStreamARN", created.arn) }
    }
}

/// The S3 destination as Firehose stores and describes it, with its defaults and checks.
enum S3Destination {
    static func normalize(_ config: JSONObject) throws(FirehoseError) -> JSONObject {
        guard let bucket = config["BucketARN"]?.string, bucket.hasPrefix("arn:aws:s3:::"), bucket.count > 13 else {
            throw .invalidArgument("BucketARN must be an S3 bucket ARN (arn:aws:s3:::bucket).")
        }
        let compression = config["CompressionFormat"]?.string ?? "UNCOMPRESSED"
        guard compression == "UNCOMPRESSED" || compression == "GZIP" else {
            throw .invalidArgument("CompressionFormat \(compression) is not supported by Eddy; use GZIP or UNCOMPRESSED.")
        }
        if config["DynamicPartitioningConfiguration"]?.object?["Enabled"]?.bool == true {
            throw .invalidArgument("Dynamic partitioning is not supported by Eddy.")
        }
        if config["DataFormatConversionConfiguration"]?.object?["Enabled"]?.bool == true {
            throw .invalidArgument("Data format conversion is not supported by Eddy.")
        }
        if let processing = config["ProcessingConfiguration"]?.object, processing["Enabled"]?.bool != false {
            for p in processing["Processors"]?.array ?? [] where p.object?["Type"]?.string != "AppendDelimiterToRecord" {
                throw .invalidArgument("Processor \(p.object?["Type"]?.string ?? "") is not supported by Eddy (AppendDelimiterToRecord is).")
            }
        }
        let prefix = config["Prefix"]?.string ?? ""
        let errorPrefix = config["ErrorOutputPrefix"]?.string ?? ""
        if prefix.contains("!{") && errorPrefix.isEmpty {
            throw .invalidArgument("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
        }
        let hints = config["BufferingHints"]?.object
        var out: [(key: String, value: JSONValue)] = [
            ("RoleARN", config["RoleARN"] ?? .string("")),
            ("BucketARN", .string(bucket)),
            ("Prefix", .string(prefix)),
            ("ErrorOutputPrefix", .string(errorPrefix)),
            ("BufferingHints", .object(JSONObject([
                ("SizeInMBs", .number(Double(hints?["SizeInMBs"]?.int ?? 5), isInteger: true)),
                ("IntervalInSeconds", .number(Double(hints?["IntervalInSeconds"]?.int ?? 300), isInteger: true)),
            ]))),
            ("CompressionFormat", .string(compression)),
            ("EncryptionConfiguration", config["EncryptionConfiguration"] ?? .object(JSONObject([("NoEncryptionConfig", .string("NoEncryption"))]))),
            ("CloudWatchLoggingOptions", config["CloudWatchLoggingOptions"] ?? .object(JSONObject([("Enabled", .bool(false))]))),
            ("S3BackupMode", config["S3BackupMode"] ?? .string("Disabled")),
        ]
        if let p = config["ProcessingConfiguration"] { out.append(("ProcessingConfiguration", p)) }
        if let e = config["FileExtension"] { out.append(("FileExtension", e)) }
        return JSONObject(out)
    }
}
