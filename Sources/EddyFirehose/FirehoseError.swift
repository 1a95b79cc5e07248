import EddyWire

/// Firehose's errors, mapped to the wire in one place.
enum FirehoseError: Error, AWSErrorConvertible {
    case resourceNotFound(String)
    case resourceInUse(String)
    case invalidArgument(String)
    case limitExceeded(String)
    case concurrentModification(String)
    case notImplemented(String)
    case serviceUnavailable(String)

    var awsError: AWSError {
        switch self {
        case .resourceNotFound(let m): AWSError(code: "ResourceNotFoundException", message: m)
        case .resourceInUse(let m): AWSError(code: "ResourceInUseException", message: m)
        case .invalidArgument(let m): AWSError(code: "InvalidArgumentException", message: m)
        case .limitExceeded(let m): AWSError(code: "LimitExceededException", message: m)
        case .concurrentModification(let m): AWSError(code: "ConcurrentModificationException", message: m)
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the Firehose operation \(op) yet.", status: 501)
        case .serviceUnavailable(let m): AWSError(code: "ServiceUnavailableException", message: m, status: 503)
        }
    }

    static func notFound(_ name: String, _ account: String) -> FirehoseError {
        .resourceNotFound("Firehose \(name) under account \(account) not found.")
    }
}

/// One Firehose operation.
protocol FirehoseAction: ServiceAction where Context == FirehoseContext, Failure == FirehoseError {}

struct FirehoseContext: Sendable {
    let service: FirehoseService
    let request: RequestContext
    let now: Int64

    var store: DeliveryStore { service.store }

    func stream(_ name: String) throws(FirehoseError) -> DeliveryStream {
        guard let s = store.stream(request.accountId, request.region, name), s.storedStatus != .DELETING else {
            throw .notFound(name, request.accountId)
        }
        return s
    }

    func status(_ s: DeliveryStream) -> DeliveryStreamStatus { s.status(now: now, createMillis: service.createMillis) }

    /// Publishes one of the AWS/Firehose metrics (dimension DeliveryStreamName).
    func emit(_ s: DeliveryStream, _ name: String, _ value: Double, unit: String = "Count") {
        service.metrics?.record(FirehoseMetrics.datum(s, name, value, unit: unit, now: now))
    }

    func catalog<T>(_ body: () throws -> T) throws(FirehoseError) -> T {
        do { return try body() } catch { throw .serviceUnavailable("Could not store the change: \(error)") }
    }
}

enum FirehoseMetrics {
    static func datum(_ s: DeliveryStream, _ name: String, _ value: Double, unit: String, now: Int64) -> MetricDatum {
        MetricDatum(account: s.account, region: s.region, namespace: "AWS/Firehose", name: name,
                    dimensions: [("DeliveryStreamName", s.name)], unit: unit, value: value, timestampMillis: now)
    }
}
