import EddyWire

/// CloudWatch's errors, mapped to the wire in one place.
enum CloudWatchError: Error, AWSErrorConvertible {
    case invalidParameterValue(String)
    /// A broken rule the model cannot state (an expression that does not compute): the
    /// constraint error, `ValidationError` in awsQuery.
    case validation(String)
    case missingParameter(String)
    case invalidParameterCombination(String)
    case invalidNextToken(String)
    case invalidAction(String)
    case notImplemented(String)
    case internalFailure(String)
    case resourceNotFound(String)
    case limitExceeded(String)
    case invalidFormat(String)
    case dashboardNotFound(String)
    case dashboardInvalidInput(String, [CloudWatchAPI.DashboardValidationMessage])
    /// TagResource and its kin name what they did not find.
    case resourceNotFoundException(type: String, id: String)

    var awsError: AWSError {
        switch self {
        case .invalidParameterValue(let m): AWSError(code: "InvalidParameterValue", message: m)
        case .validation(let m): AWSError.validation(m)
        case .missingParameter(let m): AWSError(code: "MissingParameter", message: m)
        case .invalidParameterCombination(let m): AWSError(code: "InvalidParameterCombination", message: m)
        case .invalidNextToken(let m): AWSError(code: "InvalidNextToken", message: m)
        case .invalidAction(let a): AWSError(code: "InvalidAction", message: "Could not find operation \(a) for version 2010-08-01")
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the CloudWatch operation \(op) yet.", status: 501)
        case .internalFailure(let m): AWSError(code: "InternalServiceError", message: m, status: 500)
        case .resourceNotFound(let m): AWSError(code: "ResourceNotFound", message: m, status: 404)
        case .limitExceeded(let m): AWSError(code: "LimitExceeded", message: m)
        case .invalidFormat(let m): AWSError(code: "InvalidFormat", message: m)
        case .dashboardNotFound(let m): AWSError(code: "ResourceNotFound", message: m, status: 404)
        case .dashboardInvalidInput(let m, let messages):
            AWSError(code: "InvalidParameterInput", message: m,
                     jsonMembers: messages.isEmpty ? [] : [("dashboardValidationMessages", Self.json(messages))])
        case .resourceNotFoundException(let type, let id):
            AWSError(code: "ResourceNotFoundException", message: "\(type) \(id) does not exist.", status: 404,
                     details: [("ResourceType", type), ("ResourceId", id)])
        }
    }

    static func json(_ messages: [CloudWatchAPI.DashboardValidationMessage]) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for m in messages { m.encode(json: &w) }
        w.endArray()
        return w.bytes
    }

    /// `The value X for parameter MetricData.member.1.Value is invalid.`
    static func invalidValue(_ value: String, parameter: String) -> CloudWatchError {
        .invalidParameterValue("The value \(value) for parameter \(parameter) is invalid.")
    }
}

/// One CloudWatch operation.
protocol CloudWatchAction: ServiceAction where Context == CloudWatchContext, Failure == CloudWatchError {}

struct CloudWatchContext: Sendable {
    let store: MetricStore
    let alarms: AlarmStore
    let request: RequestContext
    let now: Int64

    func storage<T>(_ body: () throws -> T) throws(CloudWatchError) -> T {
        do { return try body() } catch { throw .internalFailure("\(error)") }
    }
}

extension Array where Element == CloudWatchAPI.Dimension {
    var pairs: [(name: String, value: String)] { map { ($0.name, $0.value) } }
}
