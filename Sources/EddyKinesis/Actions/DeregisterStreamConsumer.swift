import EddyWire

/// DeregisterStreamConsumer: the consumer is DELETING, then gone.
extension KinesisAPI.DeregisterStreamConsumer: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let (stream, consumer) = try ConsumerRules.locate(consumerARN: input.consumerARN, streamARN: input.streamARN,
                                                          consumerName: input.consumerName, c)
        try c.store.update(stream.key, now: c.now, { (s: inout Stream, _: StreamStatus) throws(KinesisError) in
            guard let i = s.consumers.firstIndex(where: { $0.name == consumer.name && $0.createdMillis == consumer.createdMillis }) else { return }
            if s.consumers[i].storedStatus != .DELETING {
                s.consumers[i].storedStatus = .DELETING
                s.consumers[i].statusChangedMillis = c.now
            }
        }, persist: c.store.setConsumers)
        return Output()
    }
}
