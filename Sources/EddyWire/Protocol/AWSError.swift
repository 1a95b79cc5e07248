/// An error as an AWS service puts it on the wire: the `__type` code, a message and the HTTP
/// status. Services define typed error enums and map them to this in one place.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String?
    public var status: Int
    /// The JSON member holding the message: AWS's request deserializer writes `Message`,
    /// the services themselves `message`.
    public var messageKey: String
    /// Further members of the error, for protocols that carry them (S3's `<StringToSign>` …).
    public var details: [(name: String, value: String)]
    /// Further members of a JSON error, each an encoded JSON value (DynamoDB's `Item` of a
    /// failed condition).
    public var jsonMembers: [(name: String, json: [UInt8])]

    public init(code: String, message: String?, status: Int = 400, messageKey: String = "message",
                details: [(name: String, value: String)] = [], jsonMembers: [(name: String, json: [UInt8])] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.messageKey = messageKey
        self.details = details
        self.jsonMembers = jsonMembers
    }

    public static func == (a: AWSError, b: AWSError) -> Bool {
        a.code == b.code && a.message == b.message && a.status == b.status && a.messageKey == b.messageKey
            && a.details.elementsEqual(b.details) { $0.name == $1.name && $0.value == $1.value }
            && a.jsonMembers.elementsEqual(b.jsonMembers) { $0.name == $1.name && $0.json == $1.json }
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
