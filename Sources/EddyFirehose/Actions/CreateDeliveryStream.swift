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
        let prefix = config["Prefix"]?.string ?? ""
        if prefix.contains("!{partitionKeyFromLambda:") {
            throw .invalidArgument("partitionKeyFromLambda is not supported by Eddy (no Lambda here); use MetadataExtraction and partitionKeyFromQuery.")
        }
        if config["DynamicPartitioningConfiguration"]?.object?["Enabled"]?.bool == true {
            let processors = config["ProcessingConfiguration"]?.object?["Processors"]?.array ?? []
            guard let extraction = processors.first(where: { $0.object?["Type"]?.string == "MetadataExtraction" }) else {
                throw .invalidArgument("Dynamic partitioning needs a MetadataExtraction processor (partitionKeyFromQuery).")
            }
            let query = (extraction.object?["Parameters"]?.array ?? []).first {
                $0.object?["ParameterName"]?.string == "MetadataExtractionQuery"
            }?.object?["ParameterValue"]?.string ?? ""
            let names = try Processing.parseQuery(query).map(\.name)
            guard names.contains(where: { prefix.contains("!{partitionKeyFromQuery:\($0)}") }) else {
                throw .invalidArgument("When dynamic partitioning is enabled, the Prefix must contain !{partitionKeyFromQuery:<key>} for a key of the MetadataExtractionQuery.")
            }
        } else if prefix.contains("!{partitionKeyFromQuery:") {
            throw .invalidArgument("!{partitionKeyFromQuery:…} in the Prefix needs dynamic partitioning enabled.")
        }
        if config["DataFormatConversionConfiguration"]?.object?["Enabled"]?.bool == true {
            throw .invalidArgument("Data format conversion is not supported by Eddy.")
        }
        if let processing = config["ProcessingConfiguration"]?.object, processing["Enabled"]?.bool != false {
            let supported = ["AppendDelimiterToRecord", "RecordDeAggregation", "MetadataExtraction"]
            for p in processing["Processors"]?.array ?? [] where !supported.contains(p.object?["Type"]?.string ?? "") {
                throw .invalidArgument("Processor \(p.object?["Type"]?.string ?? "") is not supported by Eddy (\(supported.joined(separator: ", ")) are; Lambda is not).")
            }
        }
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
        if let dp = config["DynamicPartitioningConfiguration"] { out.append(("DynamicPartitioningConfiguration", dp)) }
        return JSONObject(out)
    }
}
