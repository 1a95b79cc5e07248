import EddyWire

/// DynamoDB's errors, mapped to the wire in one place (with AWS's wording).
enum DynamoDBError: Error, Equatable, AWSErrorConvertible {
    case resourceNotFound(String)
    case resourceInUse(String)
    case validation(String)
    case limitExceeded(String)
    /// A write's condition was false; the item is returned when the request asked for it.
    case conditionalCheckFailed(Item?)
    /// A transaction written in part by none: one reason per action, in order.
    case transactionCanceled([DynamoDBAPI.CancellationReason])
    case idempotentParameterMismatch(String)
    case provisionedThroughputExceeded(String)
    case notImplemented(String)
    case serviceUnavailable(String)

    var awsError: AWSError {
        switch self {
        case .resourceNotFound(let m): AWSError(code: "ResourceNotFoundException", message: m)
        case .resourceInUse(let m): AWSError(code: "ResourceInUseException", message: m)
        case .validation(let m): AWSError(code: "ValidationException", message: m)
        case .limitExceeded(let m): AWSError(code: "LimitExceededException", message: m)
        case .conditionalCheckFailed(let item):
            AWSError(code: "ConditionalCheckFailedException", message: "The conditional request failed",
                     jsonMembers: item.map { [("Item", TableStore.encode($0))] } ?? [])
        case .transactionCanceled(let reasons):
            AWSError(code: "TransactionCanceledException",
                     message: "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons.map { $0.code ?? "None" }.joined(separator: ", "))]",
                     jsonMembers: [("CancellationReasons", {
                         var w = JSONWriter()
                         w.beginArray()
                         for reason in reasons { reason.encode(json: &w) }
                         w.endArray()
                         return w.bytes
                     }())])
        case .idempotentParameterMismatch(let m): AWSError(code: "IdempotentParameterMismatchException", message: m)
        case .provisionedThroughputExceeded(let m): AWSError(code: "ProvisionedThroughputExceededException", message: m)
        case .notImplemented(let op):
            AWSError(code: "NotImplemented", message: "Eddy does not implement the DynamoDB operation \(op) yet.", status: 501)
        case .serviceUnavailable(let m): AWSError(code: "ServiceUnavailable", message: m, status: 503)
        }
    }

    /// What DynamoDB answers for a table that does not exist (or is not visible to the caller).
    static func tableNotFound(_ name: String) -> DynamoDBError {
        .resourceNotFound("Requested resource not found: Table: \(name) not found")
    }

    /// What DynamoDB answers a request over a provisioned table's (or index's) capacity.
    static func throughputExceeded(index: Bool) -> DynamoDBError {
        .provisionedThroughputExceeded(index
            ? "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API"
            : "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
    }

    /// An item operation on a table that does not exist names no table.
    static let notFound = DynamoDBError.resourceNotFound("Requested resource not found")

    /// The prefix of DynamoDB's messages about a request's values.
    static func invalid(_ detail: String) -> DynamoDBError {
        .validation("One or more parameter values were invalid: \(detail)")
    }

    /// A parameter Eddy does not support yet: refused rather than ignored.
    static func unsupported(_ what: String) -> DynamoDBError {
        .validation("Eddy does not support \(what) yet.")
    }
}
