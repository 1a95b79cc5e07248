import EddyWire

/// The S3 destination as Firehose keeps and describes it: AWS's defaults filled in, and the
/// features Eddy does not deliver refused rather than accepted and dropped.
enum S3Destination {
    typealias Description = FirehoseAPI.ExtendedS3DestinationDescription

    /// `arn:aws:s3:::bucket` → `bucket`.
    static func bucket(of arn: String) -> String? {
        guard let range = arn.firstRange(of: ":s3:::") else { return nil }
        let name = String(arn[range.upperBound...])
        return name.isEmpty ? nil : name
    }

    static func described(_ c: FirehoseAPI.ExtendedS3DestinationConfiguration) throws(FirehoseError) -> Description {
        try checked(Description(
            roleARN: c.roleARN, bucketARN: c.bucketARN, prefix: c.prefix ?? "", errorOutputPrefix: c.errorOutputPrefix ?? "",
            bufferingHints: hints(c.bufferingHints), compressionFormat: c.compressionFormat ?? .UNCOMPRESSED,
            encryptionConfiguration: c.encryptionConfiguration ?? FirehoseAPI.EncryptionConfiguration(noEncryptionConfig: .NoEncryption),
            cloudWatchLoggingOptions: c.cloudWatchLoggingOptions ?? FirehoseAPI.CloudWatchLoggingOptions(enabled: false),
            processingConfiguration: c.processingConfiguration, s3BackupMode: c.s3BackupMode ?? .Disabled,
            dataFormatConversionConfiguration: c.dataFormatConversionConfiguration,
            dynamicPartitioningConfiguration: c.dynamicPartitioningConfiguration, fileExtension: c.fileExtension,
            customTimeZone: c.customTimeZone), backup: c.s3BackupConfiguration != nil)
    }

    static func described(_ c: FirehoseAPI.S3DestinationConfiguration) throws(FirehoseError) -> Description {
        try described(FirehoseAPI.ExtendedS3DestinationConfiguration(
            roleARN: c.roleARN, bucketARN: c.bucketARN, prefix: c.prefix, errorOutputPrefix: c.errorOutputPrefix,
            bufferingHints: c.bufferingHints, compressionFormat: c.compressionFormat, encryptionConfiguration: c.encryptionConfiguration,
            cloudWatchLoggingOptions: c.cloudWatchLoggingOptions))
    }

    /// The description with an update's members put over it.
    static func updated(_ d: Description, with u: FirehoseAPI.ExtendedS3DestinationUpdate) throws(FirehoseError) -> Description {
        var d = d
        if let v = u.roleARN { d.roleARN = v }
        if let v = u.bucketARN { d.bucketARN = v }
        if let v = u.prefix { d.prefix = v }
        if let v = u.errorOutputPrefix { d.errorOutputPrefix = v }
        if let v = u.bufferingHints { d.bufferingHints = hints(v) }
        if let v = u.compressionFormat { d.compressionFormat = v }
        if let v = u.encryptionConfiguration { d.encryptionConfiguration = v }
        if let v = u.cloudWatchLoggingOptions { d.cloudWatchLoggingOptions = v }
        if let v = u.processingConfiguration { d.processingConfiguration = v }
        if let v = u.s3BackupMode { d.s3BackupMode = v }
        if let v = u.dataFormatConversionConfiguration { d.dataFormatConversionConfiguration = v }
        if let v = u.dynamicPartitioningConfiguration { d.dynamicPartitioningConfiguration = v }
        if let v = u.fileExtension { d.fileExtension = v }
        if let v = u.customTimeZone { d.customTimeZone = v }
        return try checked(d, backup: u.s3BackupUpdate != nil)
    }

    static func updated(_ d: Description, with u: FirehoseAPI.S3DestinationUpdate) throws(FirehoseError) -> Description {
        try updated(d, with: FirehoseAPI.ExtendedS3DestinationUpdate(
            roleARN: u.roleARN, bucketARN: u.bucketARN, prefix: u.prefix, errorOutputPrefix: u.errorOutputPrefix,
            bufferingHints: u.bufferingHints, compressionFormat: u.compressionFormat, encryptionConfiguration: u.encryptionConfiguration,
            cloudWatchLoggingOptions: u.cloudWatchLoggingOptions))
    }

    /// The plain S3 description carries the members S3DestinationDescription has.
    static func plain(_ d: Description) -> FirehoseAPI.S3DestinationDescription {
        FirehoseAPI.S3DestinationDescription(roleARN: d.roleARN, bucketARN: d.bucketARN, prefix: d.prefix, errorOutputPrefix: d.errorOutputPrefix,
                                             bufferingHints: d.bufferingHints, compressionFormat: d.compressionFormat,
                                             encryptionConfiguration: d.encryptionConfiguration,
                                             cloudWatchLoggingOptions: d.cloudWatchLoggingOptions)
    }

    static func hints(_ h: FirehoseAPI.BufferingHints?) -> FirehoseAPI.BufferingHints {
        FirehoseAPI.BufferingHints(sizeInMBs: h?.sizeInMBs ?? 5, intervalInSeconds: h?.intervalInSeconds ?? 300)
    }

    static func checked(_ d: Description, backup: Bool) throws(FirehoseError) -> Description {
        guard bucket(of: d.bucketARN) != nil else {
            throw .invalidArgument("BucketARN must be an S3 bucket ARN (arn:aws:s3:::bucket).")
        }
        guard d.compressionFormat == .UNCOMPRESSED || d.compressionFormat == .GZIP else {
            throw .invalidArgument("CompressionFormat \(d.compressionFormat.rawValue) is not supported by Eddy; use GZIP or UNCOMPRESSED.")
        }
        if backup || d.s3BackupMode == .Enabled {
            throw .invalidArgument("S3 backup of source records is not supported by Eddy; use S3BackupMode Disabled.")
        }
        if let zone = d.customTimeZone, !zone.isEmpty, zone != "UTC" {
            throw .invalidArgument("CustomTimeZone \(zone) is not supported by Eddy: object keys are formatted in UTC.")
        }
        let prefix = d.prefix ?? ""
        if prefix.contains("!{partitionKeyFromLambda:") {
            throw .invalidArgument("partitionKeyFromLambda is not supported by Eddy (no Lambda here); use MetadataExtraction and partitionKeyFromQuery.")
        }
        let processors = d.processingConfiguration?.enabled == false ? [] : (d.processingConfiguration?.processors ?? [])
        if d.dynamicPartitioningConfiguration?.enabled == true {
            guard let extraction = processors.first(where: { $0.type == .MetadataExtraction }) else {
                throw .invalidArgument("Dynamic partitioning needs a MetadataExtraction processor (partitionKeyFromQuery).")
            }
            let query = Processing.parameters(extraction)[.MetadataExtractionQuery] ?? ""
            let names = try Processing.parseQuery(query).map(\.name)
            guard names.contains(where: { prefix.contains("!{partitionKeyFromQuery:\($0)}") }) else {
                throw .invalidArgument("When dynamic partitioning is enabled, the Prefix must contain !{partitionKeyFromQuery:<key>} for a key of the MetadataExtractionQuery.")
            }
        } else if prefix.contains("!{partitionKeyFromQuery:") {
            throw .invalidArgument("!{partitionKeyFromQuery:…} in the Prefix needs dynamic partitioning enabled.")
        }
        if d.dataFormatConversionConfiguration?.enabled == true {
            throw .invalidArgument("Data format conversion is not supported by Eddy.")
        }
        for p in processors where !Processing.supported.contains(p.type) {
            throw .invalidArgument("Processor \(p.type.rawValue) is not supported by Eddy (\(Processing.supported.map(\.rawValue).joined(separator: ", ")) are; Lambda is not).")
        }
        if prefix.contains("!{") && (d.errorOutputPrefix ?? "").isEmpty {
            throw .invalidArgument("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
        }
        return d
    }
}
