import EddyStorage
import Logging
import Synchronization

/// All Kinesis streams of every account and region: metadata in the SQLite catalog (mirrored
/// in memory, it is small) and records in one `ShardLog` per shard under `root`.
public final class StreamStore: Sendable {
    public struct Configuration: Sendable {
        public var root: String
        public var log: LogConfiguration
        public var timing: StreamTiming
        public var shardLimit: Int
        public var onDemandStreamLimit: Int
        /// Enforce AWS's per-shard throughput limits (off by default).
        public var enforceThroughput: Bool

        public init(root: String, log: LogConfiguration = LogConfiguration(), timing: StreamTiming = StreamTiming(),
                    shardLimit: Int = 500, onDemandStreamLimit: Int = 50, enforceThroughput: Bool = false) {
            self.root = root
            self.log = log
            self.timing = timing
            self.shardLimit = shardLimit
            self.onDemandStreamLimit = onDemandStreamLimit
            self.enforceThroughput = enforceThroughput
        }
    }

    public let configuration: Configuration
    /// Present when throughput limits are enforced.
    public let limiter: ThroughputLimiter?
    let catalog: StreamCatalog
    let iteratorKey: [UInt8]
    private let streams: Mutex<[StreamKey: Stream]>
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        limiter = configuration.enforceThroughput ? ThroughputLimiter() : nil
        try FileSystem.createDirectory(configuration.root + "/streams")
        catalog = try StreamCatalog(path: configuration.root + "/catalog.sqlite")
        iteratorKey = try catalog.iteratorKey()
        var loaded: [StreamKey: Stream] = [:]
        for stored in try catalog.loadAll() {
            if stored.status == .DELETING {
                // Deleted before the restart: finish the deletion.
                try catalog.delete(stream: stored.id)
                FileSystem.remove(Self.streamDirectory(configuration.root, stored.id))
                continue
            }
            var shards: [Shard] = []
            for s in stored.shards {
                let log = try ShardLog(directory: Self.shardDirectory(configuration.root, stored.id, s.index),
                                       configuration: configuration.log, firstSequence: s.startCounter)
                if s.endCounter != nil { log.restoreSeal() }
                if log.recovery.truncatedBytes > 0 {
                    logger.warning("cut a torn or corrupted log tail", metadata: [
                        "stream": "\(stored.key.name)", "shard": "\(ShardId.format(s.index))",
                        "bytes": "\(log.recovery.truncatedBytes)", "file": "\(log.recovery.truncatedSegment ?? "")"])
                }
                shards.append(Shard(index: s.index, parent: s.parent, adjacentParent: s.adjacentParent, hashRange: s.range,
                                    startCounter: s.startCounter, endCounter: s.endCounter, createdMillis: s.created,
                                    closedMillis: s.closed, log: log))
            }
            loaded[stored.key] = Stream(
                id: stored.id, key: stored.key, token: stored.token, mode: stored.mode, storedStatus: stored.status,
                statusChangedMillis: stored.statusChanged, createdMillis: stored.created, retentionHours: stored.retentionHours,
                encryptionType: stored.encryptionType, keyId: stored.keyId, shardLevelMetrics: stored.metrics,
                maxRecordSizeKiB: stored.maxRecordKiB, tags: stored.tags, shards: shards, consumers: stored.consumers,
                warmThroughputMiBps: stored.warmMiBps)
        }
        streams = Mutex(loaded)
    }

    static func streamDirectory(_ root: String, _ id: Int64) -> String { "\(root)/streams/\(id)" }
    static func shardDirectory(_ root: String, _ id: Int64, _ shard: Int) -> String {
        "\(root)/streams/\(id)/\(ShardId.format(shard))"
    }

    /// What was recovered at start-up, for the log.
    public var summary: (streams: Int, shards: Int, records: UInt64) {
        streams.withLock { all in
            (all.count, all.values.reduce(0) { $0 + $1.shards.count },
             all.values.reduce(UInt64(0)) { acc, s in acc + s.shards.reduce(UInt64(0)) { $0 + ($1.log.bounds.next - $1.log.bounds.first) } })
        }
    }

    // MARK: Lookup

    /// The stream as it stands (nil once a deletion has completed).
    public func stream(_ key: StreamKey, now: Int64) -> Stream? {
        let (stream, purged) = streams.withLock { all -> (Stream?, Stream?) in
            guard let s = all[key] else { return (nil, nil) }
            if s.storedStatus == .DELETING && now >= s.statusChangedMillis + configuration.timing.deleteMillis {
                all[key] = nil
                return (nil, s)
            }
            return (s, nil)
        }
        if let purged { finishDeletion(purged) }
        return stream
    }

    public func streams(account: String, region: String, now: Int64) -> [Stream] {
        let keys = streams.withLock { all in all.keys.filter { $0.account == account && $0.region == region } }
        return keys.compactMap { stream($0, now: now) }.sorted { $0.name < $1.name }
    }

    // MARK: Changes

    public func create(key: StreamKey, shardCount: Int, mode: StreamMode, tags: [Tag], now: Int64) throws(KinesisError) -> Stream {
        let result: Result<Stream, KinesisError> = streams.withLock { all in
            if let existing = all[key] {
                let expired = existing.storedStatus == .DELETING && now >= existing.statusChangedMillis + configuration.timing.deleteMillis
                if !expired { return .failure(.resourceInUse("Stream \(key.name) under account \(key.account) already exists.")) }
            }
            let inRegion = all.values.filter { $0.key.account == key.account && $0.key.region == key.region && $0.storedStatus != .DELETING }
            let current = inRegion.reduce(0) { $0 + $1.openShards.count }
            if current + shardCount > configuration.shardLimit {
                return .failure(.limitExceeded(
                    "This request would exceed the shard limit for the account \(key.account) in \(key.region). "
                    + "Current shard count for the account: \(current). Limit: \(configuration.shardLimit). "
                    + "Number of additional shards that would have resulted from this request: \(shardCount). "
                    + "Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
                    + "for current limits and how to request higher limits."))
            }
            if mode == .ON_DEMAND, inRegion.filter({ $0.mode == .ON_DEMAND }).count >= configuration.onDemandStreamLimit {
                return .failure(.limitExceeded(
                    "This request would exceed the on-demand stream limit for the account \(key.account) in \(key.region). "
                    + "Limit: \(configuration.onDemandStreamLimit)."))
            }
            let token = SequenceNumber.newStreamToken()
            let ranges = HashKey.evenRanges(count: shardCount)
            let storedShards = ranges.enumerated().map { i, r in
                StreamCatalog.StoredShard(index: i, parent: nil, adjacentParent: nil, range: r, startCounter: 0, endCounter: nil, created: now, closed: nil)
            }
            do {
                if let old = all.removeValue(forKey: key) { finishDeletion(old) }
                let id = try catalog.insert(StreamCatalog.StoredStream(
                    id: 0, key: key, token: token, mode: mode, status: .CREATING, statusChanged: now, created: now,
                    retentionHours: 24, encryptionType: .NONE, keyId: nil, metrics: [], maxRecordKiB: 1024, tags: tags,
                    shards: storedShards))
                var shards: [Shard] = []
                for s in storedShards {
                    let log = try ShardLog(directory: Self.shardDirectory(configuration.root, id, s.index),
                                           configuration: configuration.log, firstSequence: 0)
                    shards.append(Shard(index: s.index, parent: nil, adjacentParent: nil, hashRange: s.range,
                                        startCounter: 0, endCounter: nil, createdMillis: now, closedMillis: nil, log: log))
                }
                let stream = Stream(id: id, key: key, token: token, mode: mode, storedStatus: .CREATING, statusChangedMillis: now,
                                    createdMillis: now, retentionHours: 24, encryptionType: .NONE, keyId: nil,
                                    shardLevelMetrics: [], maxRecordSizeKiB: 1024, tags: tags, shards: shards)
                all[key] = stream
                return .success(stream)
            } catch {
                return .failure(.internalFailure("Could not create stream \(key.name): \(error)"))
            }
        }
        return try result.get()
    }

    /// Applies `change` to a stream and persists it with `persist`, under the store's lock, so
    /// concurrent control-plane calls on one stream see each other's effects.
    public func update<T>(_ key: StreamKey, now: Int64,
                          _ change: (inout Stream, StreamStatus) throws(KinesisError) -> T,
                          persist: (Stream) throws -> Void) throws(KinesisError) -> T {
        _ = stream(key, now: now)  // completes an expired deletion first
        let result: Result<T, KinesisError> = streams.withLock { all in
            guard var s = all[key] else { return .failure(.streamNotFound(key.name, key.account)) }
            let status = s.status(now: now, timing: configuration.timing)
            do throws(KinesisError) {
                let value = try change(&s, status)
                do { try persist(s) } catch { return .failure(.internalFailure("Could not store the change: \(error)")) }
                all[key] = s
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Closes the open shards at `parents` and opens children with `ranges` (SplitShard,
    /// MergeShards): parents are sealed first so no record lands in them afterwards.
    /// `plan` checks the request against the stream and returns the children's hash key ranges.
    /// `lineage` names each child's parent and adjacent parent (default: the closed shards in order).
    public func reshard(_ key: StreamKey, now: Int64, parents: [Int],
                        lineage: ((ClosedRange<UInt128>) -> (Int?, Int?))? = nil,
                        plan: (Stream) throws(KinesisError) -> [ClosedRange<UInt128>]) throws(KinesisError) {
        // Counted before taking the lock for the change (the lock is not reentrant).
        let open = streams.withLock { all in
            all.values.filter { $0.key.account == key.account && $0.key.region == key.region && $0.storedStatus != .DELETING }
                .reduce(0) { $0 + $1.openShards.count }
        }
        try update(key, now: now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) in
            guard status == .ACTIVE else { throw KinesisError.notActive(key.name, key.account, status) }
            let ranges = try plan(s)
            let added = ranges.count - parents.count
            if added > 0 && open + added > configuration.shardLimit {
                throw KinesisError.limitExceeded(
                    "This request would exceed the shard limit for the account \(key.account) in \(key.region). "
                    + "Current shard count for the account: \(open). Limit: \(configuration.shardLimit). "
                    + "Number of additional shards that would have resulted from this request: \(added).")
            }
            var closing: [(index: Int, endCounter: UInt64)] = []
            for p in parents {
                guard let i = s.shards.firstIndex(where: { $0.index == p }) else { continue }
                let end = s.shards[i].log.seal()
                s.shards[i].endCounter = end
                s.shards[i].closedMillis = now
                closing.append((p, end))
            }
            var nextIndex = (s.shards.map(\.index).max() ?? -1) + 1
            var stored: [StreamCatalog.StoredShard] = []
            for range in ranges {
                let (parent, adjacent) = lineage?(range) ?? (parents.first, parents.count > 1 ? parents[1] : nil)
                let child = StreamCatalog.StoredShard(index: nextIndex, parent: parent, adjacentParent: adjacent,
                                                      range: range, startCounter: 0, endCounter: nil, created: now, closed: nil)
                do {
                    let log = try ShardLog(directory: Self.shardDirectory(configuration.root, s.id, nextIndex),
                                           configuration: configuration.log, firstSequence: 0)
                    s.shards.append(Shard(index: nextIndex, parent: child.parent, adjacentParent: child.adjacentParent, hashRange: range,
                                          startCounter: 0, endCounter: nil, createdMillis: now, closedMillis: nil, log: log))
                } catch {
                    throw KinesisError.internalFailure("Could not create shard log: \(error)")
                }
                stored.append(child)
                nextIndex += 1
            }
            s.storedStatus = .UPDATING
            s.statusChangedMillis = now
            do {
                try catalog.reshard(stream: s.id, closing: closing, closedAt: now, adding: stored, status: .UPDATING)
            } catch {
                throw KinesisError.internalFailure("Could not store the new shards: \(error)")
            }
        }, persist: { _ in })
    }

    public func setTags(_ stream: Stream) throws { try catalog.setTags(stream: stream.id, stream.tags) }
    public func setConsumers(_ stream: Stream) throws { try catalog.setConsumers(stream: stream.id, stream.consumers) }
    public func saveSettings(_ stream: Stream) throws { try catalog.saveSettings(stream) }

    /// Resource policies by ARN (streams and consumers).
    public func policy(_ arn: String) throws -> String? { try catalog.policy(arn) }
    public func setPolicy(_ arn: String, _ policy: String?) throws { try catalog.setPolicy(arn, policy) }

    /// Small per-account settings (DescribeAccountSettings), as JSON.
    public func setting(_ key: String) throws -> [UInt8]? { try catalog.setting(key) }
    public func setSetting(_ key: String, _ value: [UInt8]) throws { try catalog.setSetting(key, value) }
    public func setRetention(_ stream: Stream) throws { try catalog.setRetention(stream: stream.id, hours: stream.retentionHours) }
    public func setStatus(_ stream: Stream) throws {
        try catalog.setStatus(stream: stream.id, stream.storedStatus, at: stream.statusChangedMillis)
    }

    private func finishDeletion(_ stream: Stream) {
        for shard in stream.shards { shard.log.close() }
        do {
            try catalog.delete(stream: stream.id)
        } catch {
            logger.error("could not remove a deleted stream from the catalog", metadata: ["stream": "\(stream.name)", "error": "\(error)"])
        }
        FileSystem.remove(Self.streamDirectory(configuration.root, stream.id))
    }

    // MARK: Maintenance

    /// Periodic work: completes deletions, trims records past retention (closed shards whose
    /// records have all aged out go away, as in AWS), flushes logs.
    public func maintain(now: Int64) {
        let all = streams.withLock { Array($0.keys) }
        for key in all {
            guard let s = stream(key, now: now) else { continue }
            let cutoff = now - Int64(s.retentionHours) * 3_600_000
            let expired = s.shards.filter { ($0.closedMillis ?? Int64.max) < cutoff }.map(\.index)
            if !expired.isEmpty { dropShards(key, expired, now: now) }
            for shard in s.shards {
                do {
                    try shard.log.trim(before: cutoff)
                    if configuration.log.fsync == .interval { try shard.log.sync() }
                } catch {
                    logger.error("log maintenance failed", metadata: ["stream": "\(s.name)", "shard": "\(shard.id)", "error": "\(error)"])
                }
            }
        }
    }

    private func dropShards(_ key: StreamKey, _ indexes: [Int], now: Int64) {
        var dropped: [Shard] = []
        do {
            try update(key, now: now, { (s: inout Stream, _: StreamStatus) throws(KinesisError) in
                dropped = s.shards.filter { indexes.contains($0.index) }
                s.shards.removeAll { indexes.contains($0.index) }
            }, persist: { s in try catalog.deleteShards(stream: s.id, indexes) })
        } catch {
            logger.error("could not drop aged-out shards", metadata: ["stream": "\(key.name)", "error": "\(error)"])
            return
        }
        for shard in dropped { shard.log.destroy() }
    }

    /// Flushes every log (shutdown).
    public func syncAll() {
        let all = streams.withLock { Array($0.values) }
        for s in all { for shard in s.shards { try? shard.log.sync() } }
    }

    /// Drops every stream (POST /_eddy/reset).
    public func reset() throws {
        let all = streams.withLock { all -> [Stream] in
            let values = Array(all.values)
            all.removeAll()
            return values
        }
        for s in all { for shard in s.shards { shard.log.close() } }
        try catalog.deleteAll()
        FileSystem.remove(configuration.root + "/streams")
        try FileSystem.createDirectory(configuration.root + "/streams")
    }
}
