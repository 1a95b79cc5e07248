import EddyWire

/// One Kinesis operation: its typed input in, its typed output out, errors as `KinesisError`.
protocol KinesisAction: ServiceAction where Context == KinesisContext, Failure == KinesisError {}

/// What an action works with: the store, who is calling, the time, and the metrics it reports.
struct KinesisContext: Sendable {
    let store: StreamStore
    let request: RequestContext
    let now: Int64
    let metrics: KinesisMetrics
    let subscriptions: SubscriptionRegistry
    let subscriptionSettings: KinesisAPI.SubscribeToShard.Settings
    let clock: @Sendable () -> Int64
    let readers: StreamReaders
    let userAgent: String?

    var timing: StreamTiming { store.configuration.timing }
    var iteratorKey: [UInt8] { store.iteratorKey }

    /// The stream an operation addresses by StreamName or StreamARN (both must agree).
    func streamKey(name: String?, arn: String?) throws(KinesisError) -> StreamKey {
        if let arn {
            guard let key = StreamARN.parse(arn) else { throw .invalidArgument("Invalid StreamARN \(arn).") }
            if let name, name != key.name {
                throw .invalidArgument("StreamARN \(arn) and StreamName \(name) do not refer to the same stream.")
            }
            return key
        }
        guard let name else { throw .validation("Either StreamName or StreamARN must be provided.") }
        return StreamKey(account: request.accountId, region: request.region, name: name)
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

/// Stream ARNs: `arn:aws:kinesis:<region>:<account>:stream/<name>`, optionally followed by
/// `/consumer/…` (the stream is the part before it).
enum StreamARN {
    static func parse(_ arn: String) -> StreamKey? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "kinesis",
              parts[5].hasPrefix("stream/") else { return nil }
        let rest = parts[5].dropFirst("stream/".count)
        let name = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !name.isEmpty else { return nil }
        return StreamKey(account: String(parts[4]), region: String(parts[3]), name: name)
    }
}
