import EddyWire

/// One Kinesis operation: reads its validated input, acts on the store, writes its output.
protocol KinesisAction: ServiceAction where Context == ActionContext, Failure == KinesisError {}

/// What an action works with: the store, who is calling, the request's input and the time.
struct ActionContext {
    let store: StreamStore
    let request: RequestContext
    let input: JSONObject
    let now: Int64
    let iteratorKey: [UInt8]
    var metrics: (any MetricsSink)? = nil
    /// When the request started being handled (for the `<Operation>.Latency` metrics).
    let started = ContinuousClock.now

    /// Publishes `<operation>.Latency` in milliseconds since the request was taken up.
    func emitLatency(_ stream: StreamKey, _ operation: String) {
        guard metrics != nil else { return }
        let elapsed = (ContinuousClock.now - started).components
        emit(stream, "\(operation).Latency", Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15, unit: "Milliseconds")
    }

    /// Publishes a shard-level metric when enhanced monitoring has it switched on.
    func emitShard(_ stream: Stream, _ shard: Shard, _ name: String, _ value: Double, unit: String = "Count") {
        guard let metrics, stream.shardLevelMetrics.contains(name) else { return }
        metrics.record(MetricDatum(account: stream.key.account, region: stream.key.region, namespace: "AWS/Kinesis", name: name,
                                   dimensions: [("StreamName", stream.name), ("ShardId", shard.id)], unit: unit, value: value,
                                   timestampMillis: now))
    }

    /// Publishes one of the AWS/Kinesis stream metrics (dimension StreamName).
    func emit(_ stream: StreamKey, _ name: String, _ value: Double, unit: String = "Count") {
        metrics?.record(MetricDatum(account: stream.account, region: stream.region, namespace: "AWS/Kinesis", name: name,
                                    dimensions: [("StreamName", stream.name)], unit: unit, value: value, timestampMillis: now))
    }

    var timing: StreamTiming { store.configuration.timing }

    func string(_ name: String) -> String? { input[name]?.string }
    func int(_ name: String) -> Int? { input[name]?.int }

    /// The stream an operation addresses by `StreamName` or `StreamARN` (both must agree).
    func streamKey(nameMember: String = "StreamName", arnMember: String = "StreamARN") throws(KinesisError) -> StreamKey {
        let name = string(nameMember)
        if let arn = string(arnMember) {
            guard let key = Self.parseStreamARN(arn) else {
                throw .invalidArgument("Invalid StreamARN \(arn).")
            }
            if let name, name != key.name {
                throw .invalidArgument("StreamARN \(arn) and StreamName \(name) do not refer to the same stream.")
            }
            return key
        }
        guard let name else {
            throw .validation("Either StreamName or StreamARN must be provided.")
        }
        return StreamKey(account: request.accountId, region: request.region, name: name)
    }

    static func parseStreamARN(_ arn: String) -> StreamKey? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "kinesis",
              parts[5].hasPrefix("stream/") else { return nil }
        let rest = parts[5].dropFirst("stream/".count)
        // A consumer ARN continues with /consumer/...; the stream is the part before it.
        let name = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !name.isEmpty else { return nil }
        return StreamKey(account: String(parts[4]), region: String(parts[3]), name: name)
    }

    /// The stream, which must exist (CREATING counts as existing).
    func existingStream(_ key: StreamKey) throws(KinesisError) -> Stream {
        guard let s = store.stream(key, now: now) else { throw .streamNotFound(key.name, key.account) }
        return s
    }

    /// The stream, which must be readable/writable: AWS answers "not found" while it is CREATING.
    func usableStream(_ key: StreamKey) throws(KinesisError) -> Stream {
        let s = try existingStream(key)
        switch s.status(now: now, timing: timing) {
        case .ACTIVE, .UPDATING: return s
        case .CREATING, .DELETING: throw .streamNotFound(key.name, key.account)
        }
    }

    /// Runs a change that needs the stream ACTIVE, persisting it with `persist`.
    func changeActiveStream<T>(_ key: StreamKey, _ change: (inout Stream) throws(KinesisError) -> T,
                               persist: (Stream) throws -> Void) throws(KinesisError) -> T {
        try store.update(key, now: now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) -> T in
            guard status == .ACTIVE else { throw KinesisError.notActive(key.name, key.account, status) }
            return try change(&s)
        }, persist: persist)
    }
}

/// Shared pieces of stream descriptions.
extension JSONWriter {
    mutating func streamModeDetails(_ mode: StreamMode) {
        key("StreamModeDetails"); beginObject(); key("StreamMode"); string(mode.rawValue); endObject()
    }

    mutating func enhancedMonitoring(_ metrics: [String]) {
        key("EnhancedMonitoring")
        beginArray(); beginObject()
        key("ShardLevelMetrics"); beginArray(); for m in metrics { string(m) }; endArray()
        endObject(); endArray()
    }

    /// The members DescribeStream and DescribeStreamSummary have in common, in AWS's order.
    mutating func streamHeader(_ s: Stream, status: StreamStatus) {
        member("StreamName", s.name)
        member("StreamARN", s.arn)
        member("StreamStatus", status.rawValue)
        streamModeDetails(s.mode)
    }

    mutating func streamFooter(_ s: Stream) {
        member("RetentionPeriodHours", s.retentionHours)
        key("StreamCreationTimestamp"); timestamp(millis: s.createdMillis)
        enhancedMonitoring(s.shardLevelMetrics)
        member("EncryptionType", s.encryptionType)
        member("KeyId", s.keyId)
    }

    mutating func hashKeyRange(_ range: ClosedRange<UInt128>) {
        key("HashKeyRange"); beginObject()
        key("StartingHashKey"); string(String(range.lowerBound))
        key("EndingHashKey"); string(String(range.upperBound))
        endObject()
    }

    mutating func shard(_ shard: Shard, of stream: Stream) {
        beginObject()
        key("ShardId"); string(shard.id)
        if let p = shard.parent { key("ParentShardId"); string(ShardId.format(p)) }
        if let a = shard.adjacentParent { key("AdjacentParentShardId"); string(ShardId.format(a)) }
        hashKeyRange(shard.hashRange)
        key("SequenceNumberRange"); beginObject()
        key("StartingSequenceNumber"); string(stream.startingSequenceNumber(shard).description)
        if let end = shard.endCounter {
            key("EndingSequenceNumber"); string(stream.sequenceNumber(shard: shard.index, counter: end, arrival: 0).description)
        }
        endObject()
        endObject()
    }
}

