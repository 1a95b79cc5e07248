import EddyWire
import Logging

/// CloudWatch metrics on the shared port, in the protocols clients use: awsJson 1.0
/// (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, botocore) and awsQuery (form body with
/// `Action=`, the Java SDK v2 and older SDKs), validated against the CloudWatch model.
public final class CloudWatchService: AWSService {
    public let signingName = "monitoring"
    public let targetPrefix: String? = "GraniteServiceVersion20100801"
    public let store: MetricStore
    let lazyModel = LazyServiceModel(json: CloudWatchServiceModel.json)
    var model: ServiceModel { lazyModel.value.model }
    var validator: ShapeValidator { lazyModel.value.validator }
    let clock: @Sendable () -> Int64
    static let namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"
    static let contentType10 = "application/x-amz-json-1.0"
    static let rpcPrefix = "/service/GraniteServiceVersion20100801/operation/"
    var cborTranscoder: ShapeTranscoder { ShapeTranscoder(model: model, timestamps: .taggedSeconds) }

    static let actions: [String: any CloudWatchAction.Type] = {
        let all: [any CloudWatchAction.Type] = [PutMetricData.self, GetMetricStatistics.self, GetMetricData.self, ListMetrics.self]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    public init(store: MetricStore, clock: @escaping @Sendable () -> Int64 = WallClock.nowMillis) throws {
        self.store = store
        self.clock = clock
    }

    public var healthState: String { "running" }

    /// Parses the service model now (the server calls it once it is ready).
    public func warmUp() { lazyModel.warmUp() }

    public func reset() async throws { try store.reset() }

    enum WireProtocol { case json, query, cbor }

    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        let requestId = request.context.requestId
        let form = (request.headers["Content-Type"] ?? "").hasPrefix(AWSQueryProtocol.contentType)
        let rpc = request.path.hasPrefix(Self.rpcPrefix)
        let proto: WireProtocol = rpc ? .cbor : form ? .query : .json
        var operation = ""
        do throws(CloudWatchError) {
            let input: JSONObject
            if rpc {
                operation = String(request.path.dropFirst(Self.rpcPrefix.count))
                guard model.operations[operation] != nil else { throw .wire(.unknownOperation(operation)) }
                if request.body.isEmpty {
                    input = JSONObject()
                } else {
                    do {
                        guard case .object(let o) = try CBOR.decode(request.body) else { throw AWSError.serialization("Expected a CBOR map") }
                        input = o
                    } catch let e as AWSError {
                        throw .wire(e)
                    } catch {
                        throw .wire(.serialization("\(error)"))
                    }
                }
            } else if form {
                let pairs = AWSQueryProtocol.form(request.body)
                operation = pairs["Action"] ?? ""
                guard model.operations[operation] != nil else { throw .invalidAction(operation) }
                input = AWSQueryProtocol.input(pairs, operation: operation, model: model)
            } else {
                let target = request.headers["X-Amz-Target"]
                guard let op = AWSJSONProtocol.operation(target: target, prefix: "GraniteServiceVersion20100801"),
                      model.operations[op] != nil else { throw .wire(.unknownOperation(target)) }
                operation = op
                do { input = try AWSJSONProtocol.parseBody(request.body) } catch { throw .wire(error) }
            }
            do { try validator.validate(input, operation: operation) } catch { throw .wire(error) }
            guard let action = Self.actions[operation] else { throw .notImplemented(operation) }
            let body = try action.perform(CloudWatchContext(store: store, request: request.context, input: input, now: clock()))
            switch proto {
            case .cbor:
                return answer(.cbor, status: 200, body: (try? cborTranscoder.cbor(json: body, operation: operation)) ?? [],
                              requestId: requestId)
            case .json:
                return answer(.json, status: 200, body: body, requestId: requestId)
            case .query:
                return answer(.query, status: 200, body: AWSQueryProtocol.xml(json: body, operation: operation, model: model,
                                                                              namespace: Self.namespace, requestId: requestId),
                              requestId: requestId)
            }
        } catch {
            let e = error.awsError
            let body: [UInt8]
            switch proto {
            case .cbor: body = ShapeTranscoder.error(e)
            case .json: body = AWSJSONProtocol.errorResponse(e, requestId: requestId).body
            case .query: body = AWSQueryProtocol.errorXML(e, namespace: Self.namespace, requestId: requestId)
            }
            return answer(proto, status: e.status, body: body, requestId: requestId, error: e)
        }
    }

    /// An answer with the headers of its protocol; errors also name the awsQuery error code, as
    /// awsQuery-compatible services do in their JSON and CBOR protocols.
    func answer(_ proto: WireProtocol, status: Int, body: [UInt8], requestId: String, error: AWSError? = nil) -> ServiceResponse {
        var headers = Headers()
        headers.add("x-amzn-RequestId", requestId)
        switch proto {
        case .cbor:
            headers.add("smithy-protocol", "rpc-v2-cbor")
            headers.add("Content-Type", "application/cbor")
        case .json:
            headers.add("Content-Type", Self.contentType10)
        case .query:
            headers.add("Content-Type", "text/xml")
        }
        if let error, proto != .query {
            if proto == .json { headers.add("x-amzn-ErrorType", error.code) }
            headers.add("x-amzn-query-error", "\(error.code);\(error.status >= 500 ? "Receiver" : "Sender")")
        }
        return ServiceResponse(status: status, headers: headers, body: body)
    }

    /// Flushes and ages out data points until the task is cancelled.
    public func runMaintenance(every millis: Int64 = 1000) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(millis))
            try? store.maintain(nowMillis: clock())
        }
    }
}

/// CloudWatch's errors, mapped to the wire in one place.
enum CloudWatchError: Error {
    case invalidParameterValue(String)
    case missingParameter(String)
    case invalidParameterCombination(String)
    case invalidAction(String)
    case notImplemented(String)
    case internalFailure(String)
    case wire(AWSError)

    var awsError: AWSError {
        switch self {
        case .invalidParameterValue(let m): AWSError(code: "InvalidParameterValue", message: m)
        case .missingParameter(let m): AWSError(code: "MissingParameter", message: m)
        case .invalidParameterCombination(let m): AWSError(code: "InvalidParameterCombination", message: m)
        case .invalidAction(let a): AWSError(code: "InvalidAction", message: "Could not find operation \(a) for version 2010-08-01")
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the CloudWatch operation \(op) yet.", status: 501)
        case .internalFailure(let m): AWSError(code: "InternalServiceError", message: m, status: 500)
        case .wire(let e): e
        }
    }
}

protocol CloudWatchAction: ServiceAction where Context == CloudWatchContext, Failure == CloudWatchError {}

struct CloudWatchContext {
    let store: MetricStore
    let request: RequestContext
    let input: JSONObject
    let now: Int64

    func dimensions(_ value: JSONValue?) -> [(name: String, value: String)] {
        (value?.array ?? []).compactMap { d in
            guard let o = d.object, let n = o["Name"]?.string else { return nil }
            return (n, o["Value"]?.string ?? "")
        }
    }

    func storage<T>(_ body: () throws -> T) throws(CloudWatchError) -> T {
        do { return try body() } catch { throw .internalFailure("\(error)") }
    }
}

