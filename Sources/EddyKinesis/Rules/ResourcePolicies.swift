import EddyWire

/// Put/Get/DeleteResourcePolicy for streams and consumers: the policy must be a JSON object
/// with a Statement; it is stored and returned as given.
enum ResourcePolicies {
    /// The resource must exist: a stream, or a consumer of one.
    static func resource(_ arn: String, _ c: KinesisContext) throws(KinesisError) -> String {
        guard let key = StreamARN.parse(arn) else { throw .invalidArgument("Invalid ResourceARN \(arn).") }
        let stream = try c.existingStream(key)
        if let consumer = ConsumerRules.parse(arn) {
            guard stream.consumers.contains(where: { $0.name == consumer.name && $0.createdMillis / 1000 == consumer.created }) else {
                throw ConsumerRules.notFound(consumer.name, key)
            }
        }
        return arn
    }

    static func catalog<T>(_ body: () throws -> T) throws(KinesisError) -> T {
        do { return try body() } catch { throw .internalFailure("Could not store the policy: \(error)") }
    }
}
