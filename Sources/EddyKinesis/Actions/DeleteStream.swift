/// DeleteStream: the stream goes DELETING, then away. Consumers (enhanced fan-out) do not
/// exist yet, so EnforceConsumerDeletion has nothing to refuse.
enum DeleteStream: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        try c.store.update(key, now: c.now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) in
            if status == .DELETING { return }
            s.storedStatus = .DELETING
            s.statusChangedMillis = c.now
        }, persist: c.store.setStatus)
        return json { _ in }
    }
}
