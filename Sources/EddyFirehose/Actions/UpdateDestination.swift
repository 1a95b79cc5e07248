import EddyWire

/// UpdateDestination: the S3 destination's settings change; CurrentDeliveryStreamVersionId must
/// be the current one, and the version moves on.
extension FirehoseAPI.UpdateDestination: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        var s = try c.stream(input.deliveryStreamName)
        guard input.currentDeliveryStreamVersionId == String(s.version) else {
            throw .concurrentModification("Cannot update firehose: \(s.name) since the current version id: \(s.version) and specified version id: \(input.currentDeliveryStreamVersionId) do not match")
        }
        guard input.destinationId == FirehoseAPI.DescribeDeliveryStream.destinationId else {
            throw .invalidArgument("Destination \(input.destinationId) does not exist in delivery stream \(s.name).")
        }
        let others = [input.redshiftDestinationUpdate != nil, input.elasticsearchDestinationUpdate != nil,
                      input.amazonopensearchserviceDestinationUpdate != nil, input.splunkDestinationUpdate != nil,
                      input.httpEndpointDestinationUpdate != nil, input.amazonOpenSearchServerlessDestinationUpdate != nil,
                      input.snowflakeDestinationUpdate != nil, input.icebergDestinationUpdate != nil]
        if let extended = input.extendedS3DestinationUpdate, !others.contains(true) {
            s.destination = try S3Destination.updated(s.destination, with: extended)
        } else if let plain = input.s3DestinationUpdate, !others.contains(true) {
            s.destination = try S3Destination.updated(s.destination, with: plain)
        } else {
            throw .invalidArgument("Eddy delivers only to S3: give an S3DestinationUpdate or ExtendedS3DestinationUpdate.")
        }
        s.version += 1
        s.updatedMillis = c.now
        try c.catalog { try c.store.save(s) }
        return Output()
    }
}
