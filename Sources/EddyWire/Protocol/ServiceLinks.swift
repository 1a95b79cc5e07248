/// Narrow links between services in one process: Firehose writes objects into the S3
/// stand-in and reads Kinesis streams, without reaching into either's internals.

/// Writes an object into the S3 stand-in.
public protocol ObjectWriter: Sendable {
    /// Stores `body` at `bucket`/`key` for `account`; throws `ObjectWriterError`.
    func putObject(account: String, bucket: String, key: String, body: [UInt8], contentType: String) throws
}

public enum ObjectWriterError: Error, CustomStringConvertible {
    case noSuchBucket(String)
    case accessDenied(String)
    case failed(String)

    public var description: String {
        switch self {
        case .noSuchBucket(let b): "The specified bucket does not exist: \(b)"
        case .accessDenied(let b): "Access Denied to bucket \(b)"
        case .failed(let m): m
        }
    }
}

/// Reads a Kinesis stream's records in-process.
public protocol StreamRecordSource: Sendable {
    /// The stream's shards, or nil when the stream does not exist (or is not readable).
    func shards(ofStream arn: String) -> [SourceShard]?
    /// How much waits in one shard from a position (up to `maxBytes`) and when the oldest of it
    /// arrived, without copying the records; nil when the shard is gone.
    func pending(stream arn: String, shard: Int, from position: UInt64, maxBytes: Int) -> (bytes: Int, oldest: Int64?)?
    /// Records of one shard from a position; nil when the shard is gone.
    func read(stream arn: String, shard: Int, from position: UInt64, maxRecords: Int, maxBytes: Int) -> (records: [SourceRecord], next: UInt64)?
}

public struct SourceShard: Sendable {
    public var index: Int
    /// The trim horizon and the next position (LATEST).
    public var first: UInt64
    public var next: UInt64
    /// Set for a closed shard: no record at or after it.
    public var end: UInt64?
    public var parent: Int?
    public var adjacentParent: Int?

    public init(index: Int, first: UInt64, next: UInt64, end: UInt64?, parent: Int?, adjacentParent: Int?) {
        self.index = index
        self.first = first
        self.next = next
        self.end = end
        self.parent = parent
        self.adjacentParent = adjacentParent
    }
}

public struct SourceRecord: Sendable {
    public var position: UInt64
    public var arrivalMillis: Int64
    public var data: [UInt8]

    public init(position: UInt64, arrivalMillis: Int64, data: [UInt8]) {
        self.position = position
        self.arrivalMillis = arrivalMillis
        self.data = data
    }
}

/// What DynamoDB needs of Kinesis to stream a table's changes into a stream
/// (EnableKinesisStreamingDestination): whether a stream can take records, and putting one.
public protocol StreamRecordWriter: Sendable {
    /// True when the stream exists and is ACTIVE (or UPDATING).
    func acceptsRecords(stream arn: String) -> Bool
    /// Puts one record as PutRecord does; throws `StreamRecordWriterError`.
    func putRecord(stream arn: String, partitionKey: String, data: [UInt8]) throws
}

public struct StreamRecordWriterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
