import EddyWire

/// CloudWatch's errors, mapped to the wire in one place.
enum CloudWatchError: Error, AWSErrorConvertible {
    case invalidParameterValue(String)
    case missingParameter(String)
    case invalidParameterCombination(String)
    case invalidNextToken(String)
    case invalidAction(String)
    case notImplemented(String)
    case internalFailure(String)

    var awsError: AWSError {
        switch self {
        case .invalidParameterValue(let m): AWSError(code: "InvalidParameterValue", message: m)
        case .missingParameter(let m): AWSError(code: "MissingParameter", message: m)
        case .invalidParameterCombination(let m): AWSError(code: "InvalidParameterCombination", message: m)
        case .invalidNextToken(let m): AWSError(code: "InvalidNextToken", message: m)
        case .invalidAction(let a): AWSError(code: "InvalidAction", message: "Could not find operation \(a) for version 2010-08-01")
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the CloudWatch operation \(op) yet.", status: 501)
        case .internalFailure(let m): AWSError(code: "InternalServiceError", message: m, status: 500)
        }
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
    let request: RequestContext
    let now: Int64

    func storage<T>(_ body: () throws -> T) throws(CloudWatchError) -> T {
        do { return try body() } catch { throw .internalFailure("\(error)") }
    }
}

extension Array where Element == CloudWatchAPI.Dimension {
    var pairs: [(name: String, value: String)] { map { ($0.name, $0.value) } }
}
