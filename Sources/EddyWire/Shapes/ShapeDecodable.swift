/// A model enum (generated): its values in model order, for the validation message.
public protocol ShapeEnum: RawRepresentable<String>, CaseIterable, Sendable {
    /// Stands in for a missing or invalid value while the request is still being checked (it
    /// is never used: such a request is answered with the violations).
    static var placeholder: Self { get }
}

/// A generated structure that can be read from a wire tree.
public protocol ShapeDecodable: Sendable {
    init(from decoder: inout ShapeDecoder, _ value: JSONValue) throws(AWSError)
}

extension ShapeDecodable {
    /// Decodes a whole input and throws the collected violations, if any.
    public static func decode(_ value: JSONValue, style: ShapeDecoder.Style,
                              unrepresentable: ShapeDecoder.UnrepresentableValues = .serializationException) throws(AWSError) -> Self {
        var decoder = ShapeDecoder(style: style, unrepresentable: unrepresentable)
        let decoded = try Self(from: &decoder, value)
        try decoder.finish()
        return decoded
    }
}

extension JSONObject {
    /// The member's value unless it is absent or null (both mean "not sent").
    @inline(__always)
    public func sent(_ key: String) -> JSONValue? {
        guard let v = self[key], !v.isNull else { return nil }
        return v
    }
}
