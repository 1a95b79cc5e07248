import EddyWire

/// DescribeDeliveryStream: the one S3 destination, as both descriptions AWS gives of it.
extension FirehoseAPI.DescribeDeliveryStream: FirehoseAction {
    static let destinationId = "destinationId-000000000001"

    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let s = try c.stream(input.deliveryStreamName)
        let source = s.sourceARN.map { arn in
            FirehoseAPI.SourceDescription(kinesisStreamSourceDescription: FirehoseAPI.KinesisStreamSourceDescription(
                kinesisStreamARN: arn, roleARN: s.sourceRoleARN, deliveryStartTimestamp: Timestamp(millis: s.createdMillis)))
        }
        return Output(deliveryStreamDescription: FirehoseAPI.DeliveryStreamDescription(
            deliveryStreamName: s.name, deliveryStreamARN: s.arn, deliveryStreamStatus: c.status(s),
            failureDescription: s.failure.map { FirehoseAPI.FailureDescription(type: .UNKNOWN_ERROR, details: "S3 delivery failed: \($0)") },
            deliveryStreamEncryptionConfiguration: s.encryption ?? Encryption.disabled, deliveryStreamType: s.type,
            versionId: String(s.version), createTimestamp: Timestamp(millis: s.createdMillis),
            lastUpdateTimestamp: s.updatedMillis != s.createdMillis ? Timestamp(millis: s.updatedMillis) : nil, source: source,
            destinations: [FirehoseAPI.DestinationDescription(destinationId: destinationId, s3DestinationDescription: S3Destination.plain(s.destination),
                                                              extendedS3DestinationDescription: s.destination)],
            hasMoreDestinations: false))
    }
}
