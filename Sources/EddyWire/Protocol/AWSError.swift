/// An error as an AWS service puts it on the wire: the `__type` code, a message and the HTTP
/// status. Services define typed error enums and map them to this in one place.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String?
    public var status: Int
    /// The JSON member holding the message: AWS's request deserializer writes `Message`,
    /// the services themselves `message`.
    public var messageKey: String

    public init(code: String, message: String?, status: Int = 400, messageKey: String = "message") {
        self.code = code
        self.message = message
        self.status = status
        self.messageKey = messageKey
    }

    public var description: String { "\(code): \(message ?? "")" }

    public static func serialization(_ message: String) -> AWSError {
        AWSError(code: "SerializationException", message: message, messageKey: "Message")
    }

    public static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationException", message: message)
    }

    /// AWS's "N validation error(s) detected: a; b" form.
    public static func validation(errors: [String]) -> AWSError {
        let n = errors.count
        return validation("\(n) validation error\(n == 1 ? "" : "s") detected: " + errors.joined(separator: "; "))
    }

    public static func unknownOperation(_ target: String?) -> AWSError {
        AWSError(code: "UnknownOperationException", message: target.map { "Unknown operation \($0)" })
    }

    public static func internalFailure(_ message: String) -> AWSError {
        AWSError(code: "InternalFailure", message: message, status: 500)
    }
}

/// Implemented by each service's typed error enum.
public protocol AWSErrorConvertible: Error {
    var awsError: AWSError { get }
}

extension AWSError: AWSErrorConvertible {
    public var awsError: AWSError { self }
}
