import EddyWire

enum DescribeDeliveryStream: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let s = try c.stream()
        return json { w in
            w.key("DeliveryStreamDescription"); w.beginObject()
            w.member("DeliveryStreamName", s.name)
            w.member("DeliveryStreamARN", s.arn)
            w.member("DeliveryStreamStatus", c.status(s))
            if let failure = s.failure {
                w.key("FailureDescription"); w.beginObject()
                w.member("Type", "S3_DELIVERY_FAILURE"); w.member("Details", failure)
                w.endObject()
            }
            w.key("DeliveryStreamEncryptionConfiguration")
            w.value(.object(s.encryption ?? JSONObject([("Status", .string("DISABLED"))])))
            w.member("DeliveryStreamType", s.type)
            w.member("VersionId", String(s.version))
            w.key("CreateTimestamp"); w.timestamp(millis: s.createdMillis)
            if s.updatedMillis != s.createdMillis { w.key("LastUpdateTimestamp"); w.timestamp(millis: s.updatedMillis) }
            if let arn = s.sourceARN {
                w.key("Source"); w.beginObject()
                w.key("KinesisStreamSourceDescription"); w.beginObject()
                w.member("KinesisStreamARN", arn)
                w.member("RoleARN", s.sourceRoleARN)
                w.key("DeliveryStartTimestamp"); w.timestamp(millis: s.createdMillis)
                w.endObject(); w.endObject()
            }
            w.key("Destinations"); w.beginArray(); w.beginObject()
            w.member("DestinationId", "destinationId-000000000001")
            // The plain S3 description carries the members S3DestinationDescription has.
            let plain = JSONObject(s.destination.members.filter {
                ["RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints", "CompressionFormat",
                 "EncryptionConfiguration", "CloudWatchLoggingOptions"].contains($0.key)
            })
            w.key("S3DestinationDescription"); w.value(.object(plain))
            w.key("ExtendedS3DestinationDescription"); w.value(.object(s.destination))
            w.endObject(); w.endArray()
            w.member("HasMoreDestinations", false)
            w.endObject()
        }
    }
}

enum ListDeliveryStreams: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let type = c.input["DeliveryStreamType"]?.string
        let after = c.input["ExclusiveStartDeliveryStreamName"]?.string
        let names = c.store.all()
            .filter { $0.account == c.request.accountId && $0.region == c.request.region && $0.storedStatus != "DELETING" }
            .filter { type == nil || $0.type == type }
            .map(\.name).sorted()
            .filter { after == nil || $0 > after! }
        let limit = c.input["Limit"]?.int ?? 10
        let page = names.prefix(limit)
        return json { w in
            w.key("DeliveryStreamNames"); w.beginArray(); for n in page { w.string(n) }; w.endArray()
            w.member("HasMoreDeliveryStreams", names.count > page.count)
        }
    }
}

/// DeleteDeliveryStream: what is buffered is delivered first (nothing acknowledged is dropped).
enum DeleteDeliveryStream: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let s = try c.stream()
        c.service.flush()
        try c.catalog { try c.store.delete(s) }
        return json { _ in }
    }
}

/// Tag/Untag/ListTagsForDeliveryStream (at most 50 tags).
enum TagDeliveryStream: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        var s = try c.stream()
        for t in c.input["Tags"]?.array ?? [] {
            guard let k = t.object?["Key"]?.string else { continue }
            let v = t.object?["Value"]?.string ?? ""
            if let i = s.tags.firstIndex(where: { $0.0 == k }) { s.tags[i] = (k, v) } else { s.tags.append((k, v)) }
        }
        guard s.tags.count <= 50 else { throw .limitExceeded("A delivery stream can have at most 50 tags.") }
        try c.catalog { try c.store.save(s) }
        return json { _ in }
    }
}

enum UntagDeliveryStream: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        var s = try c.stream()
        let keys = (c.input["TagKeys"]?.array ?? []).compactMap(\.string)
        s.tags.removeAll { keys.contains($0.0) }
        try c.catalog { try c.store.save(s) }
        return json { _ in }
    }
}

enum ListTagsForDeliveryStream: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        let s = try c.stream()
        let start = c.input["ExclusiveStartTagKey"]?.string
        let tags = s.tags.sorted { $0.0 < $1.0 }.filter { start == nil || $0.0 > start! }
        let page = tags.prefix(c.input["Limit"]?.int ?? 50)
        return json { w in
            w.key("Tags"); w.beginArray()
            for (k, v) in page { w.beginObject(); w.member("Key", k); w.member("Value", v); w.endObject() }
            w.endArray()
            w.member("HasMoreTags", tags.count > page.count)
        }
    }
}

/// UpdateDestination: the S3 destination's settings change; CurrentDeliveryStreamVersionId must
/// be the current one, and the version moves on.
enum UpdateDestination: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        var s = try c.stream()
        guard c.input["CurrentDeliveryStreamVersionId"]?.string == String(s.version) else {
            throw .concurrentModification("Cannot update firehose: \(s.name) since the current version id: \(s.version) and specified version id: \(c.input["CurrentDeliveryStreamVersionId"]?.string ?? "") do not match")
        }
        guard let update = c.input["ExtendedS3DestinationUpdate"]?.object ?? c.input["S3DestinationUpdate"]?.object else {
            throw .invalidArgument("Eddy delivers only to S3: give an S3DestinationUpdate or ExtendedS3DestinationUpdate.")
        }
        var merged = s.destination
        for (k, v) in update.members {
            merged.members.removeAll { $0.key == k }
            merged.members.append((k, v))
        }
        s.destination = try S3Destination.normalize(merged)
        s.version += 1
        s.updatedMillis = c.now
        try c.catalog { try c.store.save(s) }
        return json { _ in }
    }
}

enum StartDeliveryStreamEncryption: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        var s = try c.stream()
        let input = c.input["DeliveryStreamEncryptionConfigurationInput"]?.object
        s.encryption = JSONObject([("KeyType", input?["KeyType"] ?? .string("AWS_OWNED_CMK")), ("Status", .string("ENABLED"))]
                                  + (input?["KeyARN"].map { [("KeyARN", $0)] } ?? []))
        try c.catalog { try c.store.save(s) }
        return json { _ in }
    }
}

enum StopDeliveryStreamEncryption: FirehoseAction {
    static func perform(_ c: FirehoseContext) throws(FirehoseError) -> [UInt8] {
        var s = try c.stream()
        s.encryption = JSONObject([("Status", .string("DISABLED"))])
        try c.catalog { try c.store.save(s) }
        return json { _ in }
    }
}
