/// The one request pipeline of the JSON-family services (Kinesis, Firehose, CloudWatch): the
/// protocol and operation are recognised once, the body is read into a tree, decoded into the
/// operation's typed input (the model's checks, then the action's own), the action performs,
/// and its typed output is written in the request's protocol. Errors of every kind leave
/// through `WireProtocol.errorResponse`.
public struct OperationDispatcher<Context>: Sendable {
    /// What differs between the services using the pipeline.
    public struct Description: Sendable {
        /// The `X-Amz-Target` prefix (`Kinesis_20131202`).
        public var targetPrefix: String
        /// The awsJson version the service speaks.
        public var json: WireProtocol
        /// Also Kinesis' CBOR on the same target (`application/x-amz-cbor-1.1`).
        public var kinesisCBOR: Bool
        /// Also smithy rpc-v2-cbor, at `/service/<targetPrefix>/operation/<Operation>`.
        public var rpcV2CBOR: Bool
        /// Also awsQuery forms.
        public var query: Bool
        public var dialect: WireProtocol.Dialect
        public var unrepresentable: ShapeDecoder.UnrepresentableValues
        /// The answer for a model operation Eddy does not implement.
        public var notImplemented: @Sendable (String) -> AWSError
        /// The answer for an awsQuery `Action` the model does not have.
        public var unknownAction: @Sendable (String) -> AWSError

        public init(targetPrefix: String, json: WireProtocol, kinesisCBOR: Bool = false, rpcV2CBOR: Bool = false, query: Bool = false,
                    dialect: WireProtocol.Dialect = WireProtocol.Dialect(),
                    unrepresentable: ShapeDecoder.UnrepresentableValues = .serializationException,
                    notImplemented: @escaping @Sendable (String) -> AWSError,
                    unknownAction: @escaping @Sendable (String) -> AWSError = { AWSError.unknownOperation($0) }) {
            self.targetPrefix = targetPrefix
            self.json = json
            self.kinesisCBOR = kinesisCBOR
            self.rpcV2CBOR = rpcV2CBOR
            self.query = query
            self.dialect = dialect
            self.unrepresentable = unrepresentable
            self.notImplemented = notImplemented
            self.unknownAction = unknownAction
        }

        public var rpcPathPrefix: String { "/service/\(targetPrefix)/operation/" }
    }

    /// A request's protocol and operation, as far as its head tells them.
    public struct Recognised: Sendable {
        public var wire: WireProtocol
        /// nil for awsQuery (the operation is in the body) and for a request naming none.
        public var operation: String?
        /// How the request named its operation, for the UnknownOperation message.
        public var named: String?
    }

    public typealias Run = @Sendable (_ tree: JSONValue, _ wire: WireProtocol, _ context: Context, _ requestId: String,
                               _ description: Description) throws(AWSError) -> ServiceResponse
    typealias Check = @Sendable (_ tree: JSONValue, _ wire: WireProtocol, _ description: Description) throws(AWSError) -> Void

    public let description: Description
    let actions: [String: Run]
    let checks: [String: Check]

    /// `operations` are every operation of the model: those without an action (made with
    /// `entry(_:)`) are checked, then refused as not implemented.
    public init(_ description: Description, operations: [any ServiceOperation.Type], actions: [(String, Run)]) {
        self.description = description
        self.actions = Dictionary(actions, uniquingKeysWith: { first, _ in first })
        var checks: [String: Check] = [:]
        for operation in operations { checks[operation.name] = Self.check(operation) }
        self.checks = checks
    }

    /// The entry for an action, by its types alone.
    public static func entry<Action: ServiceAction>(_ action: Action.Type) -> (String, Run) where Action.Context == Context {
        (Action.name, { tree, wire, context, requestId, description throws(AWSError) in
            var decoder = ShapeDecoder(style: wire.decodingStyle, unrepresentable: description.unrepresentable)
            let input = try Action.Input(from: &decoder, tree)
            Action.check(input, &decoder)
            try decoder.finish()
            let output: Action.Output
            do throws(Action.Failure) {
                output = try Action.perform(input, in: context)
            } catch {
                throw error.awsError
            }
            return wire.answer(output, of: Action.self, dialect: description.dialect, requestId: requestId)
        })
    }

    static func check<Operation: ServiceOperation>(_ operation: Operation.Type) -> Check {
        { tree, wire, description throws(AWSError) in
            _ = try Operation.Input.decode(tree, style: wire.decodingStyle, unrepresentable: description.unrepresentable)
        }
    }

    /// The protocol from the path and Content-Type, the operation from the path or the target.
    public func recognise(_ head: RequestHead) -> Recognised {
        if description.rpcV2CBOR, head.path.hasPrefix(description.rpcPathPrefix) {
            let name = String(head.path.utf8.dropFirst(description.rpcPathPrefix.utf8.count)) ?? ""
            return Recognised(wire: .rpcV2CBOR, operation: name, named: name)
        }
        let contentType = head.headers["Content-Type"] ?? ""
        if description.query, contentType.hasPrefix(AWSQueryProtocol.contentType) {
            return Recognised(wire: .awsQuery, operation: nil, named: nil)
        }
        let wire: WireProtocol = description.kinesisCBOR && contentType.hasPrefix(WireProtocol.kinesisCBORContentType)
            ? .kinesisCBOR : description.json
        let operation = head.target.flatMap { $0.prefix == description.targetPrefix && !$0.operation.isEmpty ? $0.operation : nil }
        return Recognised(wire: wire, operation: operation, named: head.target?.header ?? head.headers["X-Amz-Target"])
    }

    /// Answers a request recognised by `recognise`.
    public func handle(_ request: ServiceRequest, as recognised: Recognised, context: Context) -> ServiceResponse {
        let requestId = request.context.requestId
        do throws(AWSError) {
            let tree = try recognised.wire.tree(request.body)
            var operation = recognised.operation
            if recognised.wire == .awsQuery {
                guard case .string(let action)? = tree.object?["Action"], checks[action] != nil else {
                    throw description.unknownAction(tree.object?["Action"]?.string ?? "")
                }
                operation = action
            }
            guard let operation, let check = checks[operation] else { throw AWSError.unknownOperation(recognised.named) }
            if let run = actions[operation] {
                return try run(tree, recognised.wire, context, requestId, description)
            }
            try check(tree, recognised.wire, description)
            throw description.notImplemented(operation)
        } catch {
            return recognised.wire.errorResponse(error, dialect: description.dialect, requestId: requestId)
        }
    }

    /// An error answered for a request before it reached an action (by the front, by faults).
    public func errorResponse(_ error: AWSError, _ recognised: Recognised, requestId: String) -> ServiceResponse {
        recognised.wire.errorResponse(error, dialect: description.dialect, requestId: requestId)
    }
}
