import EddyStorage

public typealias StreamStatus = KinesisAPI.StreamStatus
public typealias StreamMode = KinesisAPI.StreamMode
public typealias EncryptionType = KinesisAPI.EncryptionType
public typealias ShardLevelMetric = KinesisAPI.MetricsName

/// Streams are scoped to an account and a region: the same name in two regions is two streams.
public struct StreamKey: Hashable, Sendable {
    public var account: String
    public var region: String
    public var name: String

    public init(account: String, region: String, name: String) {
        self.account = account
        self.region = region
        self.name = name
    }

    public var arn: String { "arn:aws:kinesis:\(region):\(account):stream/\(name)" }
}

/// How long streams stay in their transitional states (AWS takes seconds; tests want less).
public struct StreamTiming: Sendable {
    public var createMillis: Int64
    public var deleteMillis: Int64
    public var updateMillis: Int64

    public init(createMillis: Int64 = 50, deleteMillis: Int64 = 50, updateMillis: Int64 = 50) {
        self.createMillis = createMillis
        self.deleteMillis = deleteMillis
        self.updateMillis = updateMillis
    }
}

public struct Shard: Sendable {
    public var index: Int
    public var parent: Int?
    public var adjacentParent: Int?
    public var hashRange: ClosedRange<UInt128>
    /// Counter of the shard's first record (its StartingSequenceNumber).
    public var startCounter: UInt64
    /// Set when the shard is closed by resharding.
    public var endCounter: UInt64?
    public var createdMillis: Int64
    public var closedMillis: Int64?
    public var log: ShardLog

    public var id: String { ShardId.format(index) }
    public var isOpen: Bool { endCounter == nil }
}

/// An enhanced fan-out consumer registered on a stream.
public struct Consumer: Sendable, Equatable {
    public var name: String
    public var createdMillis: Int64
    /// CREATING or DELETING as last entered; `status(now:timing:)` derives the current one.
    public var storedStatus: StreamStatus
    public var statusChangedMillis: Int64

    public func arn(of stream: StreamKey) -> String { "\(stream.arn)/consumer/\(name):\(createdMillis / 1000)" }

    public func status(now: Int64, timing: StreamTiming) -> StreamStatus {
        storedStatus == .CREATING && now >= statusChangedMillis + timing.createMillis ? .ACTIVE : storedStatus
    }

    /// Gone once a deregistration has run its course.
    public func isGone(now: Int64, timing: StreamTiming) -> Bool {
        storedStatus == .DELETING && now >= statusChangedMillis + timing.deleteMillis
    }
}

public struct Tag: Sendable, Equatable {
    public var key: String
    public var value: String
}

public struct Stream: Sendable {
    public var id: Int64
    public var key: StreamKey
    public var token: UInt64
    public var mode: StreamMode
    /// The state last entered; `status(now:timing:)` derives where it stands now.
    public var storedStatus: StreamStatus
    public var statusChangedMillis: Int64
    public var createdMillis: Int64
    public var retentionHours: Int
    public var encryptionType: EncryptionType
    public var keyId: String?
    public var shardLevelMetrics: [ShardLevelMetric]
    public var maxRecordSizeKiB: Int
    public var tags: [Tag]
    public var shards: [Shard]
    public var consumers: [Consumer] = []
    public var warmThroughputMiBps = 0

    public var name: String { key.name }
    public var arn: String { key.arn }
    public var openShards: [Shard] { shards.filter(\.isOpen) }

    /// CREATING and UPDATING become ACTIVE once their delay has passed.
    public func status(now: Int64, timing: StreamTiming) -> StreamStatus {
        switch storedStatus {
        case .CREATING where now >= statusChangedMillis + timing.createMillis: return .ACTIVE
        case .UPDATING where now >= statusChangedMillis + timing.updateMillis: return .ACTIVE
        default: return storedStatus
        }
    }

    public func sequenceNumber(shard: Int, counter: UInt64, arrival: Int64) -> SequenceNumber {
        SequenceNumber(streamToken: token, shardIndex: shard, counter: counter, arrivalMillis: arrival)
    }

    public func startingSequenceNumber(_ shard: Shard) -> SequenceNumber {
        SequenceNumber(streamToken: token, shardIndex: shard.index, counter: shard.startCounter, arrivalMillis: 0)
    }
}
