import EddyWire

/// DeleteStream: the stream goes DELETING, then away. A stream with registered consumers is
/// refused unless EnforceConsumerDeletion is set.
extension KinesisAPI.DeleteStream: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: input.streamName, arn: input.streamARN)
        try c.store.update(key, now: c.now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) in
            if status == .DELETING { return }
            let live = s.consumers.filter { !$0.isGone(now: c.now, timing: c.timing) }
            if !live.isEmpty && input.enforceConsumerDeletion != true {
                throw KinesisError.resourceInUse("Stream \(key.name) under account \(key.account) has registered consumers. Set EnforceConsumerDeletion to true to delete it with its consumers.")
            }
            s.storedStatus = .DELETING
            s.statusChangedMillis = c.now
        }, persist: c.store.setStatus)
        return Output()
    }
}
