/// A record to append.
public struct LogRecord: Sendable {
    public var partitionKey: String
    public var data: [UInt8]

    public init(partitionKey: String, data: [UInt8]) {
        self.partitionKey = partitionKey
        self.data = data
    }
}

/// One record as stored, viewed in place in a read buffer.
public struct RecordView {
    public var sequence: UInt64
    public var arrivalMillis: Int64
    public var partitionKey: UnsafeRawBufferPointer
    public var data: UnsafeRawBufferPointer
}

/// What recovery found when the log was opened.
public struct RecoveryReport: Sendable {
    public var records: UInt64 = 0
    public var truncatedBytes = 0
    public var truncatedSegment: String?
}
