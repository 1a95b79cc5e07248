import EddyWire

/// RegisterStreamConsumer: a consumer is CREATING, then ACTIVE; at most 20 per stream.
extension KinesisAPI.RegisterStreamConsumer: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: nil, arn: input.streamARN)
        let name = input.consumerName
        let (consumer, stream) = try c.store.update(key, now: c.now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) -> (Consumer, Stream) in
            guard status == .ACTIVE || status == .UPDATING else { throw KinesisError.notActive(key.name, key.account, status) }
            s.consumers.removeAll { $0.isGone(now: c.now, timing: c.timing) }
            if s.consumers.contains(where: { $0.name == name }) {
                throw KinesisError.resourceInUse("Consumer \(name) under stream \(key.name) already exists for account \(key.account).")
            }
            if s.consumers.count >= ConsumerRules.maxPerStream {
                throw KinesisError.limitExceeded("Consumer limit of \(ConsumerRules.maxPerStream) exceeded for stream \(key.name) under account \(key.account).")
            }
            let consumer = Consumer(name: name, createdMillis: c.now, storedStatus: .CREATING, statusChangedMillis: c.now)
            s.consumers.append(consumer)
            return (consumer, s)
        }, persist: c.store.setConsumers)
        return Output(consumer: consumer.described(of: stream, c))
    }
}
