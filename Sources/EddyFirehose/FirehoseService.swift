import EddyStorage
import EddyWire
import Logging

/// Amazon Data Firehose on the shared port (awsJson 1.1, `Firehose_20150804.<Op>`): delivery
/// streams fed by PutRecord(Batch) or by a Kinesis stream, delivered into the S3 stand-in.
public final class FirehoseService: AWSService {
    public let signingName = "firehose"
    public let targetPrefix: String? = "Firehose_20150804"
    let store: DeliveryStore
    let delivery: Delivery
    let lazyModel = LazyServiceModel(json: FirehoseServiceModel.json)
    var validator: ShapeValidator { lazyModel.value.validator }
    let clock: @Sendable () -> Int64
    let createMillis: Int64
    let logger: Logger

    static let actions: [String: any FirehoseAction.Type] = {
        let all: [any FirehoseAction.Type] = [
            CreateDeliveryStream.self, DescribeDeliveryStream.self, ListDeliveryStreams.self, DeleteDeliveryStream.self,
            PutRecord.self, PutRecordBatch.self, TagDeliveryStream.self, UntagDeliveryStream.self, ListTagsForDeliveryStream.self,
            UpdateDestination.self, StartDeliveryStreamEncryption.self, StopDeliveryStreamEncryption.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    let metrics: (any MetricsSink)?

    public init(store: DeliveryStore, objects: any ObjectWriter, source: (any StreamRecordSource)?, logger: Logger,
                metrics: (any MetricsSink)? = nil, createMillis: Int64 = 50,
                clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.metrics = metrics
        self.delivery = Delivery(store: store, objects: objects, source: source, logger: logger, metrics: metrics)
        self.clock = clock
        self.createMillis = createMillis
        self.logger = logger
    }

    public var healthState: String { "running" }

    /// Parses the service model now (the server calls it once it is ready).
    public func warmUp() { lazyModel.warmUp() }

    public func reset() async throws { try store.reset() }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let requestId = request.context.requestId
        do throws(FirehoseError) {
            let target = request.headers["X-Amz-Target"]
            guard let operation = AWSJSONProtocol.operation(target: target, prefix: "Firehose_20150804"),
                  validator.model.operations[operation] != nil else { throw .wire(.unknownOperation(target)) }
            let input: JSONObject
            do {
                input = try AWSJSONProtocol.parseBody(request.body)
                try validator.validate(input, operation: operation)
            } catch {
                throw .wire(error)
            }
            guard let action = Self.actions[operation] else { throw .notImplemented(operation) }
            let context = FirehoseContext(service: self, request: request.context, input: input, now: clock())
            return AWSJSONProtocol.response(try action.perform(context), requestId: requestId)
        } catch {
            return AWSJSONProtocol.errorResponse(error.awsError, requestId: requestId)
        }
    }

    /// Delivers due buffers until cancelled.
    public func runDelivery(every millis: Int64 = 200) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            delivery.run(now: clock())
        }
    }

    /// Delivers everything buffered now (graceful shutdown).
    public func flush() { delivery.run(now: clock(), flush: true) }
}

/// Firehose's errors, mapped to the wire in one place.
enum FirehoseError: Error {
    case resourceNotFound(String)
    case resourceInUse(String)
    case invalidArgument(String)
    case limitExceeded(String)
    case concurrentModification(String)
    case notImplemented(String)
    case serviceUnavailable(String)
    case wire(AWSError)

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
        case .wire(let e): e
        }
    }

    static func notFound(_ name: String, _ account: String) -> FirehoseError {
        .resourceNotFound("Firehose \(name) under account \(account) not found.")
    }
}

protocol FirehoseAction: ServiceAction where Context == FirehoseContext, Failure == FirehoseError {}

struct FirehoseContext {
    let service: FirehoseService
    let request: RequestContext
    let input: JSONObject
    let now: Int64

    var store: DeliveryStore { service.store }

    func stream() throws(FirehoseError) -> DeliveryStream {
        let name = input["DeliveryStreamName"]?.string ?? ""
        guard let s = store.stream(request.accountId, request.region, name), s.storedStatus != "DELETING" else {
            throw .notFound(name, request.accountId)
        }
        return s
    }

    func status(_ s: DeliveryStream) -> String { s.status(now: now, createMillis: service.createMillis) }

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
