/// A generated structure that can be written in each answer format: JSON (awsJson), CBOR
/// (Kinesis' CBOR protocol, smithy rpc-v2-cbor) and awsQuery XML. The writers carry the
/// format's conventions (timestamp forms, base64), so the generated code is the same for all.
public protocol ShapeEncodable: Sendable {
    func encode(json w: inout JSONWriter)
    func encode(cbor w: inout CBORWriter)
    /// The structure's members as elements; the caller writes the element around them.
    func encode(xml w: inout XMLWriter)
    /// Set for an answer that is an event stream (SubscribeToShard) rather than a body.
    var responseStream: ResponseStream? { get }
}

extension ShapeEncodable {
    public var responseStream: ResponseStream? { nil }

    /// The structure as a JSON document.
    public func jsonBytes(capacity: Int = 256) -> [UInt8] {
        var w = JSONWriter(capacity: capacity)
        encode(json: &w)
        return w.bytes
    }
}

/// The input of an operation whose model has none: any JSON object (or nothing) is accepted.
public struct EmptyInput: ShapeDecodable, Equatable {
    public init() {}
    public init(from decoder: inout ShapeDecoder, _ value: JSONValue) throws(AWSError) {
        _ = try decoder.structure(value)
    }
}

/// The output of an operation whose model has none: `{}`.
public struct EmptyOutput: ShapeEncodable, Equatable {
    public init() {}
    public func encode(json w: inout JSONWriter) { w.beginObject(); w.endObject() }
    public func encode(cbor w: inout CBORWriter) { w.mapHeader(0) }
    public func encode(xml w: inout XMLWriter) {}
}

/// An operation of a service model (generated): its name and its input and output shapes.
public protocol ServiceOperation: Sendable {
    associatedtype Input: ShapeDecodable
    associatedtype Output: ShapeEncodable
    static var name: String { get }
    /// awsQuery wraps an answer's members in `<Operation>Result`.
    static var resultWrapper: String? { get }
}

extension ServiceOperation {
    public static var resultWrapper: String? { nil }
}

/// An operation a service implements: it checks what the model cannot (`check`, with the
/// same message builders), then `perform`s on typed values and throws its service's errors.
public protocol ServiceAction: ServiceOperation {
    associatedtype Context
    associatedtype Failure: AWSErrorConvertible
    /// Rules the model cannot express, reported with the model's violations.
    static func check(_ input: Input, _ decoder: inout ShapeDecoder)
    static func perform(_ input: Input, in context: Context) throws(Failure) -> Output
}

extension ServiceAction {
    public static func check(_ input: Input, _ decoder: inout ShapeDecoder) {}
}
