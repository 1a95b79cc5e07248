import EddyWire

/// Enhanced fan-out consumers: their ARNs, how requests name them, and the per-stream limit.
enum ConsumerRules {
    static let maxPerStream = 20

    /// `…:stream/<name>/consumer/<consumer>:<created seconds>` → stream, consumer name, seconds.
    static func parse(_ arn: String) -> (stream: StreamKey, name: String, created: Int64)? {
        guard let stream = StreamARN.parse(arn), let range = arn.firstRange(of: "/consumer/") else { return nil }
        let rest = arn[range.upperBound...]
        guard let colon = rest.lastIndex(of: ":"), let created = Int64(rest[rest.index(after: colon)...]) else { return nil }
        return (stream, String(rest[..<colon]), created)
    }

    static func notFound(_ name: String, _ key: StreamKey) -> KinesisError {
        .resourceNotFound("Consumer \(name) under stream \(key.name) under account \(key.account) not found.")
    }

    /// The consumer a request names by ConsumerARN, or by StreamARN and ConsumerName.
    static func locate(consumerARN: String?, streamARN: String?, consumerName: String?, _ c: KinesisContext) throws(KinesisError) -> (Stream, Consumer) {
        let key: StreamKey, name: String
        var created: Int64?
        if let consumerARN {
            guard let parsed = parse(consumerARN) else { throw .invalidArgument("Invalid ConsumerARN \(consumerARN).") }
            (key, name, created) = (parsed.stream, parsed.name, parsed.created)
        } else {
            guard let streamARN, let consumerName, let parsed = StreamARN.parse(streamARN) else {
                throw .invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
            }
            (key, name) = (parsed, consumerName)
        }
        let stream = try c.existingStream(key)
        guard let consumer = stream.consumers.first(where: { $0.name == name && !$0.isGone(now: c.now, timing: c.timing) }),
              created.map({ $0 == consumer.createdMillis / 1000 }) ?? true else { throw notFound(name, key) }
        return (stream, consumer)
    }
}
