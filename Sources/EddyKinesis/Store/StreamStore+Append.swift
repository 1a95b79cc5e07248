import EddyStorage

/// Writing records: the store owns routing, the throughput limiter and the retry after a
/// reshard, so PutRecord and PutRecords only decode and answer.
extension StreamStore {
    public struct AppendEntry: Sendable {
        public var partitionKey: String
        public var data: [UInt8]
        public var hashKey: UInt128

        var size: Int { data.count + partitionKey.utf8.count }
    }

    public enum AppendOutcome: Sendable, Equatable {
        case stored(shard: Int, sequence: SequenceNumber)
        /// Over the shard's write limit (only when limits are enforced).
        case throttled(shard: Int)
        /// The log could not be written.
        case failed
    }

    /// A reshard can close a shard between routing and appending; its records are routed again
    /// this many times in all.
    static let routingAttempts = 3

    /// Routes each entry to the open shard owning its hash key, admits it against that shard's
    /// write limit, appends each shard's share with one write, and routes again what a
    /// concurrent reshard sealed. Outcomes come back in entry order, with the stream as it was
    /// last seen.
    public func append(_ entries: [AppendEntry], to stream: Stream, now: Int64) throws(KinesisError) -> (stream: Stream, outcomes: [AppendOutcome]) {
        var outcomes = [AppendOutcome](repeating: .failed, count: entries.count)
        var pending = Array(entries.indices)
        var current = stream
        for attempt in 0..<Self.routingAttempts where !pending.isEmpty {
            if attempt > 0 {
                guard let refreshed = self.stream(current.key, now: now),
                      [.ACTIVE, .UPDATING].contains(refreshed.status(now: now, timing: configuration.timing)) else {
                    throw .streamNotFound(current.key.name, current.key.account)
                }
                current = refreshed
            }
            var groups: [Int: [Int]] = [:]
            for i in pending {
                guard let position = current.shards.firstIndex(where: { $0.isOpen && $0.hashRange.contains(entries[i].hashKey) }) else {
                    throw .internalFailure("No open shard owns hash key \(entries[i].hashKey).")
                }
                let shard = current.shards[position]
                if attempt == 0, let limiter, !limiter.admitWrite("\(current.id)/\(shard.index)", bytes: entries[i].size, now: now) {
                    outcomes[i] = .throttled(shard: shard.index)
                    continue
                }
                groups[position, default: []].append(i)
            }
            pending = []
            for (position, indices) in groups.sorted(by: { $0.key < $1.key }) {
                let shard = current.shards[position]
                do {
                    let appended = try shard.log.append(indices.map { LogRecord(partitionKey: entries[$0].partitionKey, data: entries[$0].data) },
                                                        now: now)
                    for (n, i) in indices.enumerated() {
                        outcomes[i] = .stored(shard: shard.index, sequence: current.sequenceNumber(
                            shard: shard.index, counter: appended.first + UInt64(n), arrival: appended.arrival))
                    }
                } catch is ShardLog.SealedError {
                    pending += indices
                } catch {
                    logger.error("could not append to a shard log", metadata: ["stream": "\(current.name)", "shard": "\(shard.id)",
                                                                               "error": "\(error)"])
                }
            }
        }
        return (current, outcomes)
    }
}
