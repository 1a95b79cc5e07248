import Synchronization

/// AWS's per-shard limits, enforced when switched on: writes 1 MiB/s and 1,000 records/s,
/// reads 2 MiB/s and 5 GetRecords calls/s. Token buckets that hold one second's worth.
public final class ThroughputLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Int64
        let rate: Double

        mutating func refill(now: Int64) {
            tokens = min(rate, tokens + Double(now - updated) / 1000 * rate)
            updated = now
        }
    }

    struct ShardBuckets {
        var writeRecords: Bucket, writeBytes: Bucket, readCalls: Bucket, readBytes: Bucket

        init(now: Int64) {
            writeRecords = Bucket(tokens: 1000, updated: now, rate: 1000)
            writeBytes = Bucket(tokens: Double(1 << 20), updated: now, rate: Double(1 << 20))
            readCalls = Bucket(tokens: 5, updated: now, rate: 5)
            readBytes = Bucket(tokens: Double(2 << 20), updated: now, rate: Double(2 << 20))
        }
    }

    private let shards = Mutex<[String: ShardBuckets]>([:])

    public init() {}

    /// Takes room for one record of `bytes`; false when the shard is over its write limit.
    public func admitWrite(_ shard: String, bytes: Int, now: Int64) -> Bool {
        shards.withLock { all in
            var b = all[shard] ?? ShardBuckets(now: now)
            b.writeRecords.refill(now: now)
            b.writeBytes.refill(now: now)
            let ok = b.writeRecords.tokens >= 1 && b.writeBytes.tokens >= Double(bytes)
            if ok {
                b.writeRecords.tokens -= 1
                b.writeBytes.tokens -= Double(bytes)
            }
            all[shard] = b
            return ok
        }
    }

    /// Takes room for one GetRecords call; false when the shard is over its read limits.
    public func admitRead(_ shard: String, now: Int64) -> Bool {
        shards.withLock { all in
            var b = all[shard] ?? ShardBuckets(now: now)
            b.readCalls.refill(now: now)
            b.readBytes.refill(now: now)
            let ok = b.readCalls.tokens >= 1 && b.readBytes.tokens > 0
            if ok { b.readCalls.tokens -= 1 }
            all[shard] = b
            return ok
        }
    }

    /// Charges the bytes a read returned (a large read can put the shard in debt, as in AWS).
    public func chargeRead(_ shard: String, bytes: Int) {
        shards.withLock { all in all[shard]?.readBytes.tokens -= Double(bytes) }
    }
}

/// Faults a producer's tests can ask for: a share of calls throttled or failed, added latency.
public struct FaultInjection: Sendable {
    public var throttleProbability: Double
    public var errorProbability: Double
    public var latencyMillis: Int
    /// Operations the faults apply to (empty: all).
    public var operations: Set<String>

    public init(throttleProbability: Double = 0, errorProbability: Double = 0, latencyMillis: Int = 0, operations: Set<String> = []) {
        self.throttleProbability = throttleProbability
        self.errorProbability = errorProbability
        self.latencyMillis = latencyMillis
        self.operations = operations
    }

    public var isActive: Bool { throttleProbability > 0 || errorProbability > 0 || latencyMillis > 0 }

    func applies(to operation: String) -> Bool { isActive && (operations.isEmpty || operations.contains(operation)) }

    static let dataOperations: Set<String> = ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard"]

    /// The injected error for this call, if the dice say so.
    func fault(for operation: String) -> KinesisError? {
        guard applies(to: operation) else { return nil }
        let roll = Double.random(in: 0..<1)
        if roll < throttleProbability {
            return Self.dataOperations.contains(operation)
                ? .provisionedThroughputExceeded("Rate exceeded (fault injected by Eddy).")
                : .limitExceeded("Rate exceeded (fault injected by Eddy).")
        }
        if roll < throttleProbability + errorProbability {
            return .internalFailure("Internal service failure (fault injected by Eddy).")
        }
        return nil
    }
}
