import EddyWire

/// Every error a Kinesis operation can answer, mapped to AWS's wire shape in one place.
public enum KinesisError: Error, AWSErrorConvertible, Equatable {
    case resourceNotFound(String)
    case resourceInUse(String)
    case invalidArgument(String)
    case limitExceeded(String)
    case expiredIterator(String)
    case expiredNextToken(String)
    case validation(String)
    case provisionedThroughputExceeded(String)
    case notImplemented(operation: String)
    case internalFailure(String)
    case wire(AWSError)

    public var awsError: AWSError {
        switch self {
        case .resourceNotFound(let m): AWSError(code: "ResourceNotFoundException", message: m)
        case .resourceInUse(let m): AWSError(code: "ResourceInUseException", message: m)
        case .invalidArgument(let m): AWSError(code: "InvalidArgumentException", message: m)
        case .limitExceeded(let m): AWSError(code: "LimitExceededException", message: m)
        case .expiredIterator(let m): AWSError(code: "ExpiredIteratorException", message: m)
        case .expiredNextToken(let m): AWSError(code: "ExpiredNextTokenException", message: m)
        case .validation(let m): AWSError.validation(m)
        case .provisionedThroughputExceeded(let m): AWSError(code: "ProvisionedThroughputExceededException", message: m)
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the Kinesis operation \(op) yet.", status: 501)
        case .internalFailure(let m): AWSError(code: "InternalFailureException", message: m, status: 500)
        case .wire(let e): e
        }
    }

    static func streamNotFound(_ name: String, _ account: String) -> KinesisError {
        .resourceNotFound("Stream \(name) under account \(account) not found.")
    }

    static func shardNotFound(_ shard: String, _ stream: String, _ account: String) -> KinesisError {
        .resourceNotFound("Shard \(shard) in stream \(stream) under account \(account) does not exist")
    }

    static func rateExceeded(_ shard: String, _ key: StreamKey) -> KinesisError {
        .provisionedThroughputExceeded("Rate exceeded for shard \(shard) in stream \(key.name) under account \(key.account).")
    }

    static func notActive(_ name: String, _ account: String, _ status: StreamStatus) -> KinesisError {
        .resourceInUse("Stream \(name) under account \(account) not ACTIVE, instead in state \(status.rawValue)")
    }
}
